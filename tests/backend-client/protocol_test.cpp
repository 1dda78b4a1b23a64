#include "backend-client/protocol.h"

#include <gtest/gtest.h>

#include "access/pin_directory.h"

namespace portier {
namespace {

std::string error_of(const Parsed<VerifyReply>& p) { return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : ""; }

TEST(Protocol, EventsRequestSplicesTheEventsIntoOneObject) {
  const auto body = nlohmann::json::parse(events_request("door-1", {R"({"id":"a","seq":1})", R"({"id":"b","seq":2})"}));
  EXPECT_EQ(body["device_id"], "door-1");
  ASSERT_EQ(body["events"].size(), 2u);
  EXPECT_EQ(body["events"][1]["id"], "b");
}

TEST(Protocol, TheEventsReplyMustAcceptEveryEventSent) {
  EXPECT_FALSE(check_events_reply(R"({"accepted": 3})", 3));
  EXPECT_EQ(*check_events_reply(R"({"accepted": 2})", 3), "backend accepted 2 of 3 events");
  EXPECT_EQ(*check_events_reply("<html>", 3), "reply is not JSON");
  EXPECT_EQ(*check_events_reply("[1]", 3), "reply is not a JSON object");
  EXPECT_EQ(*check_events_reply(R"({"accepted": "3"})", 3), "reply lacks an integer 'accepted'");
  EXPECT_NE(check_events_reply(std::string(70000, ' '), 3)->find("over the 65536 byte limit"), std::string::npos);
}

TEST(Protocol, VerifyReplyIsReadStrictly) {
  const auto ok = parse_verify_reply(R"({"access_granted": true, "user_id": 7, "user_name": "ann", "reason": "x"})");
  ASSERT_TRUE(std::holds_alternative<VerifyReply>(ok));
  EXPECT_TRUE(std::get<VerifyReply>(ok).access_granted);
  EXPECT_EQ(std::get<VerifyReply>(ok).user_name, "ann");
  const auto minimal = parse_verify_reply(R"({"access_granted": false})");
  ASSERT_TRUE(std::holds_alternative<VerifyReply>(minimal));
  EXPECT_FALSE(std::get<VerifyReply>(minimal).user_id);
  EXPECT_EQ(error_of(parse_verify_reply(R"({"access_granted": "yes"})")), "reply lacks a boolean 'access_granted'");
  EXPECT_EQ(error_of(parse_verify_reply(R"({"access_granted": true, "user_id": 1.5})")), "'user_id' must be an integer or null");
  EXPECT_EQ(error_of(parse_verify_reply(R"({"access_granted": true, "user_name": 3})")), "'user_name' must be a string");
}

std::string users_json(const std::string& users) { return R"({"users": [)" + users + "]}"; }
std::string embedding(float v = 0.1f) {
  std::string s = "[";
  for (int i = 0; i < kEmbeddingSize; ++i) s += (i ? "," : "") + std::to_string(v);
  return s + "]";
}

TEST(Protocol, AUserListIsReadWholeOrRefusedWhole) {
  const auto good = parse_users_reply(users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() +
                                                 R"(], "valid_from": "2026-01-01T00:00:00Z", "valid_until": null},)"
                                                 R"({"id": 2, "name": "bo", "embeddings": [)" + embedding(0.2f) + "]}"));
  ASSERT_TRUE(std::holds_alternative<std::vector<SyncedUser>>(good)) << std::get<std::string>(good);
  const auto& users = std::get<std::vector<SyncedUser>>(good);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].external_id, "2");
  EXPECT_TRUE(users[0].valid_from);
  EXPECT_FALSE(users[0].valid_until);

  auto error = [](const std::string& body) {
    auto p = parse_users_reply(body);
    return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::string();
  };
  EXPECT_EQ(error(R"({"people": []})"), "reply lacks a 'users' list");
  EXPECT_EQ(error(users_json(R"({"id": "u1", "name": "ann", "embeddings": [[1,2,3]]})")),
            "users[0]: embeddings[0] must hold 128 numbers");
  EXPECT_EQ(error(users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() + "]}," +
                             R"({"id": "u2", "name": "ann", "embeddings": [)" + embedding() + "]}")),
            "users[1]: name 'ann' appears twice");
  EXPECT_EQ(error(users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() + R"(], "valid_until": "soon"})")),
            "users[0]: 'valid_until' is not an RFC 3339 time");
  EXPECT_EQ(error(users_json(R"({"id": "u1", "name": "", "embeddings": [)" + embedding() + "]}")),
            "users[0]: 'name' must be 1 to 200 characters");
}

TEST(Protocol, AUsersCardsGroupsAndPinHashesAreCheckedWithTheList) {
  const auto hash = hash_pin("1357", minimal_pin_cost());
  const auto user = [&](const std::string& extra) {
    return users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() + "]" + extra + "}");
  };
  auto good = parse_users_reply(user(R"(, "cards": ["12", "ab"], "groups": ["staff"], "pin_hash": ")" + hash + R"(")"));
  ASSERT_TRUE(std::holds_alternative<std::vector<SyncedUser>>(good)) << std::get<std::string>(good);
  const auto& ann = std::get<std::vector<SyncedUser>>(good)[0];
  EXPECT_EQ(ann.cards, (std::vector<std::string>{"12", "AB"}));
  EXPECT_EQ(ann.groups, std::vector<std::string>{"staff"});
  EXPECT_EQ(ann.pin_hash, hash);
  EXPECT_TRUE(ann.duress_pin_hash.empty());

  auto error = [](const std::string& body) {
    auto p = parse_users_reply(body);
    return std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::string();
  };
  EXPECT_NE(error(user(R"(, "cards": ["12 34"])")).find("users[0]: cards[0]:"), std::string::npos);
  EXPECT_NE(error(user(R"(, "cards": "12")")).find("'cards' must be a list"), std::string::npos);
  EXPECT_NE(error(user(R"(, "groups": ["night shift"])")).find("users[0]: groups[0]: group name"), std::string::npos);
  EXPECT_NE(error(user(R"(, "pin_hash": "1357")")).find("'pin_hash': a PIN hash must be an argon2id string"),
            std::string::npos) << "digits are never accepted in place of a hash";
  EXPECT_NE(error(user(R"(, "pin_hash": "$argon2id$v=19$m=1048576,t=3,p=1$c2FsdHNhbHQ$aGFzaA")"))
                .find("costs more than a door can check"),
            std::string::npos);
  EXPECT_NE(error(user(R"(, "duress_pin_hash": ")" + hash + R"(")")).find("needs a 'pin_hash'"), std::string::npos);
  const auto two = users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() + R"(], "cards": ["7"]},)"
                              R"({"id": "u2", "name": "bo", "embeddings": [)" + embedding() + R"(], "cards": ["7"]})");
  EXPECT_EQ(error(two), "users[1]: card 7 also belongs to 'ann'");
}

TEST(Protocol, AUsersOwnModeIsOptionalAndOneOfTheModes) {
  const auto user = [&](const std::string& extra) {
    return users_json(R"({"id": "u1", "name": "ann", "embeddings": [)" + embedding() + "]" + extra + "}");
  };
  for (const auto& [extra, expected] : std::vector<std::pair<std::string, std::optional<VerificationMode>>>{
           {"", std::nullopt}, {R"(, "mode": null)", std::nullopt}, {R"(, "mode": "card+face")", VerificationMode::CardAndFace}}) {
    auto parsed = parse_users_reply(user(extra));
    ASSERT_TRUE(std::holds_alternative<std::vector<SyncedUser>>(parsed)) << std::get<std::string>(parsed);
    EXPECT_EQ(std::get<std::vector<SyncedUser>>(parsed)[0].mode, expected) << extra;
  }
  for (const std::string bad : {R"(, "mode": "face+card")", R"(, "mode": 2)"}) {
    auto parsed = parse_users_reply(user(bad));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_EQ(std::get<std::string>(parsed),
              "users[0]: 'mode' must be null or one of face, card, card|face, card+face, face+pin, card+pin");
  }
}

TEST(Protocol, ReadsRfc3339Times) {
  const auto t = parse_rfc3339("2026-11-22T10:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(), 1795341600);
  EXPECT_EQ(parse_rfc3339("2026-11-22T12:00:00.250+02:00"), t);
  EXPECT_FALSE(parse_rfc3339("2026-11-22 10:00:00"));
  EXPECT_FALSE(parse_rfc3339("2026-13-22T10:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T10:00:00Zjunk"));
  // Found by the fuzzer: years past 2262 overflowed the clock's nanoseconds.
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z"), std::chrono::system_clock::time_point::max()) << "for ever";
}

}  // namespace
}  // namespace portier
