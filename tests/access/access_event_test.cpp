#include "access/access_event.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(AccessEvent, SaysWhatWasPresentedAndUnderWhichMode) {
  Decision d;
  d.verdict = Verdict::DeniedWrongFaceForCard;
  d.presented = kCardAndFace;
  d.mode = VerificationMode::CardAndFace;
  d.card = "******7123";
  d.user_id = 2;
  d.user_name = "bob";
  const auto j = to_json(make_access_event(d, "door", Clock::now()));
  EXPECT_EQ(j["result"], "denied_wrong_face_for_card");
  EXPECT_EQ(j["credentials"], nlohmann::json::array({"card", "face"}));
  EXPECT_EQ(j["mode"], "card+face");
  EXPECT_EQ(j["card"], "******7123");
  EXPECT_FALSE(j.contains("credential"));

  Decision face;
  face.verdict = Verdict::Granted;
  const auto k = to_json(make_access_event(face, "door", Clock::now()));
  EXPECT_EQ(k["credentials"], nlohmann::json::array({"face"}));
  EXPECT_EQ(k["mode"], "face");
  EXPECT_TRUE(k["card"].is_null());

  Decision pin;
  pin.presented = kPinAlone;
  pin.mode = VerificationMode::CardAndPin;
  const auto p = to_json(make_access_event(pin, "door", Clock::now()));
  EXPECT_EQ(p["credentials"], nlohmann::json::array({"pin"}));
  EXPECT_EQ(p["mode"], "card+pin");
  pin.presented = {.face = true, .pin = true};
  EXPECT_EQ(to_json(make_access_event(pin, "door", Clock::now()))["credentials"], nlohmann::json::array({"face", "pin"}));
}

TEST(AccessEvent, ResultNamesAreTheDocumentedOnes) {
  EXPECT_STREQ(to_string(Verdict::DeniedCardUnknown), "denied_card_unknown");
  EXPECT_STREQ(to_string(Verdict::DeniedSecondFactorTimeout), "denied_second_factor_timeout");
  EXPECT_STREQ(to_string(Verdict::DeniedWrongFaceForCard), "denied_wrong_face_for_card");
}

}  // namespace
}  // namespace portier
