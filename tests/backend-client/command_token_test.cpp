#include "backend-client/command_token.h"

#include <gtest/gtest.h>

#include "backend-client/nonce_store.h"
#include "tests/test_support.h"

namespace portier {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";
const CommandPolicy kPolicy{"front-door", std::chrono::seconds(60), std::chrono::seconds(30)};
constexpr std::int64_t kNow = 1'800'000'000;

nlohmann::json claims(const std::string& command = "unlock") {
  return {{"command", command}, {"request_id", "r-1"}, {"jti", "nonce-0001"}, {"aud", "front-door"}, {"iat", kNow - 5}};
}

std::string refusal(const std::variant<Command, CommandRefusal>& v) {
  return std::holds_alternative<CommandRefusal>(v) ? std::get<CommandRefusal>(v).reason : "(accepted)";
}

TEST(CommandToken, ASignedFreshCommandForThisDeviceIsAccepted) {
  auto c = claims();
  c["hold_ms"] = 1500;
  const auto v = verify_command(sign_command(c, kKey), kKey, kPolicy, kNow);
  ASSERT_TRUE(std::holds_alternative<Command>(v)) << refusal(v);
  const auto& cmd = std::get<Command>(v);
  EXPECT_EQ(cmd.name, CommandName::Unlock);
  EXPECT_EQ(cmd.request_id, "r-1");
  EXPECT_EQ(cmd.nonce, "nonce-0001");
  EXPECT_EQ(cmd.hold, std::chrono::milliseconds(1500));
  for (const char* name : {"arm", "disarm", "sync-users"})
    EXPECT_TRUE(std::holds_alternative<Command>(verify_command(sign_command(claims(name), kKey), kKey, kPolicy, kNow)));
}

TEST(CommandToken, AForgedSignatureIsRefusedButTheRequestIdIsKeptForTheReply) {
  const auto v = verify_command(sign_command(claims(), "another key, not this device's"), kKey, kPolicy, kNow);
  ASSERT_TRUE(std::holds_alternative<CommandRefusal>(v));
  EXPECT_NE(refusal(v).find("signature does not match"), std::string::npos) << refusal(v);
  EXPECT_EQ(std::get<CommandRefusal>(v).request_id, "r-1");
  EXPECT_EQ(std::get<CommandRefusal>(v).command, "unlock");
}

TEST(CommandToken, AnUnsignedTokenIsRefused) {
  // {"alg":"none"} with the claims, and an empty signature: libjwt would take it.
  const std::string header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";  // {"alg":"none","typ":"JWT"}
  const std::string signed_token = sign_command(claims(), kKey);
  const std::string body = signed_token.substr(signed_token.find('.') + 1, signed_token.rfind('.') - signed_token.find('.') - 1);
  const auto v = verify_command(header + "." + body + ".", kKey, kPolicy, kNow);
  EXPECT_TRUE(std::holds_alternative<CommandRefusal>(v)) << "alg none must never pass";
}

TEST(CommandToken, OldFutureMisaddressedAndIncompleteTokensAreRefused) {
  auto old = claims();
  old["iat"] = kNow - 61;
  EXPECT_NE(refusal(verify_command(sign_command(old, kKey), kKey, kPolicy, kNow)).find("token expired: issued 61 s ago"),
            std::string::npos);
  auto future = claims();
  future["iat"] = kNow + 120;
  EXPECT_NE(refusal(verify_command(sign_command(future, kKey), kKey, kPolicy, kNow)).find("in the future"), std::string::npos);
  auto exp = claims();
  exp["exp"] = kNow - 1;
  EXPECT_NE(refusal(verify_command(sign_command(exp, kKey), kKey, kPolicy, kNow)).find("'exp' has passed"), std::string::npos);
  auto other = claims();
  other["aud"] = "back-door";
  EXPECT_NE(refusal(verify_command(sign_command(other, kKey), kKey, kPolicy, kNow)).find("not addressed to this device"),
            std::string::npos);
  auto no_nonce = claims();
  no_nonce.erase("jti");
  EXPECT_NE(refusal(verify_command(sign_command(no_nonce, kKey), kKey, kPolicy, kNow)).find("'jti'"), std::string::npos);
  EXPECT_NE(refusal(verify_command(sign_command(claims("open-sesame"), kKey), kKey, kPolicy, kNow)).find("unknown command 'open-sesame'"),
            std::string::npos);
  auto hold = claims();
  hold["hold_ms"] = 600000;
  EXPECT_NE(refusal(verify_command(sign_command(hold, kKey), kKey, kPolicy, kNow)).find("'hold_ms'"), std::string::npos);
}

TEST(CommandToken, GarbageAndOversizePayloadsAreRefused) {
  EXPECT_NE(refusal(verify_command("", kKey, kPolicy, kNow)).find("empty"), std::string::npos);
  EXPECT_NE(refusal(verify_command("not.a.jwt", kKey, kPolicy, kNow)).find("not a validly signed token"), std::string::npos);
  EXPECT_NE(refusal(verify_command(R"({"command":"unlock"})", kKey, kPolicy, kNow)).find("not a validly signed token"),
            std::string::npos);
  EXPECT_NE(refusal(verify_command(std::string(70000, 'a'), kKey, kPolicy, kNow)).find("over the 65536 byte limit"),
            std::string::npos);
}

TEST(CommandToken, WithoutAKeyEveryCommandIsRefused) {
  EXPECT_NE(refusal(verify_command(sign_command(claims(), kKey), "", kPolicy, kNow)).find("remote commands are disabled"),
            std::string::npos);
}

TEST(NonceStore, ANonceWorksOnceEvenAcrossARestart) {
  test::TempDir dir;
  {
    NonceStore store(dir / "n.db");
    EXPECT_TRUE(store.first_use("abc12345", kNow + 60, kNow));
    EXPECT_FALSE(store.first_use("abc12345", kNow + 60, kNow + 1));
  }
  NonceStore again(dir / "n.db");
  EXPECT_FALSE(again.first_use("abc12345", kNow + 60, kNow + 2)) << "a restart must not open a replay window";
  EXPECT_TRUE(again.first_use("abc12345", kNow + 200, kNow + 100)) << "forgotten once its token could no longer pass";
}

}  // namespace
}  // namespace portier
