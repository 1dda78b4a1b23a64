#include "access/access_controller.h"

#include "access/access_event.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

using namespace std::chrono_literals;

// Two users, one face each, along different axes: faces near one are far
// from the other (distance sqrt(2) between the two).
Embedding axis(int k, float scale = 1.0f) {
  Embedding e{};
  e[static_cast<size_t>(k)] = scale;
  return e;
}
const Embedding kAnn = axis(0), kBob = axis(1);

// "card+face": what a decision says was presented, as its event lists it.
std::string presented_as(const Decision& d) {
  std::string out;
  for (const auto& c : make_access_event(d, "door", Clock::now()).credentials) out += (out.empty() ? "" : "+") + c;
  return out;
}

AccessDirectory directory() {
  AccessDirectory d;
  d.faces.add(1, "ann", kAnn);
  d.faces.add(2, "bob", kBob);
  d.cards.add("1001", {1, "ann", {}});
  d.cards.add("2002", {2, "bob", {}});
  d.cards.add("3003", {3, "cat", Validity{{}, std::chrono::system_clock::now() - std::chrono::hours(1)}});
  // ann has a PIN and a duress PIN; bob has none.
  d.pins.add(1, {hash_pin("1111", minimal_pin_cost()), hash_pin("9999", minimal_pin_cost())});
  return d;
}

AccessController controller(VerificationMode mode) {
  AccessControllerOptions o;
  o.mode = mode;
  o.auth_timeout = 10s;
  o.card_face_fixed_threshold = 0.5f;
  o.full_card_numbers = true;  // the numbers as given, to follow them below
  return AccessController(o, directory());
}

const Clock::time_point t0 = Clock::time_point(1000s);

// A face track's decision as the pipeline sends it.
Decision face(std::uint64_t track, const Embedding& e, Verdict verdict = Verdict::Granted, bool live = true) {
  Decision d;
  d.track_id = track;
  d.verdict = verdict;
  d.embedding = e;
  d.liveness_passed = live;
  if (verdict == Verdict::Granted || verdict == Verdict::DeniedSpoof) {
    d.user_id = e == kAnn ? 1 : 2;
    d.user_name = e == kAnn ? "ann" : "bob";
  }
  return d;
}
Credential card(const std::string& number, Clock::time_point at = t0) { return {Credential::Kind::Card, number, at}; }
Credential pin(const std::string& digits, Clock::time_point at = t0) { return {Credential::Kind::Pin, digits, at}; }

TEST(AccessControllerFaceMode, FaceDecisionsPassAndCardsOpenNothing) {
  auto c = controller(VerificationMode::Face);
  auto out = c.on_face(face(1, kAnn), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "face");
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
}

TEST(AccessControllerCardMode, AKnownCardOpensAnUnknownOrExpiredOneDoesNot) {
  auto c = controller(VerificationMode::Card);
  auto out = c.on_credential(card("1001"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].user_name, "ann");
  EXPECT_EQ(presented_as(out[0]), "card");
  EXPECT_EQ(out[0].card, "1001");
  out = c.on_credential(card("999"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedCardUnknown);
  EXPECT_FALSE(out[0].user_id);
  out = c.on_credential(card("3003"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedCardUnknown) << "cat's validity ended an hour ago";
  EXPECT_NE(out[0].reason.find("validity"), std::string::npos) << out[0].reason;
}

TEST(AccessControllerCardMode, ValidityIsJudgedByTheClockItIsGiven) {
  AccessControllerOptions o;
  o.mode = VerificationMode::Card;
  // Two hours ago by the wall clock given, cat's card was still valid.
  o.wall_now = [] { return std::chrono::system_clock::now() - std::chrono::hours(2); };
  AccessController c(o, directory());
  const auto out = c.on_credential(card("3003"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << out[0].reason;
}

TEST(AccessControllerCardMode, FacesOpenNothingButASpoofIsStillReported) {
  auto c = controller(VerificationMode::Card);
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  auto out = c.on_face(face(2, kAnn, Verdict::DeniedSpoof), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSpoof);
}

TEST(AccessControllerCardOrFace, EitherAloneOpens) {
  auto c = controller(VerificationMode::CardOrFace);
  EXPECT_EQ(c.on_face(face(1, kBob), t0).at(0).verdict, Verdict::Granted);
  EXPECT_EQ(c.on_credential(card("1001"), t0).at(0).verdict, Verdict::Granted);
}

TEST(AccessControllerCardAndFace, CardThenTheHoldersFaceGrants) {
  auto c = controller(VerificationMode::CardAndFace);
  const auto waits = c.on_credential(card("1001"), t0);
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Face);
  EXPECT_EQ(waits.awaiting, Awaiting::Face);
  EXPECT_TRUE(waits.judge_faces_afresh) << "faces already in view must be judged again";
  EXPECT_EQ(waits.wait_notice, "card of 'ann' waits up to 10 s for a face") << "the log says why nothing opened yet";
  const auto nothing = c.expire(t0 + 1s);
  EXPECT_FALSE(nothing.judge_faces_afresh) << "once";
  EXPECT_EQ(nothing.wait_notice, std::nullopt);
  auto out = c.on_face(face(1, axis(0, 0.9f)), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].user_name, "ann");
  EXPECT_EQ(presented_as(out[0]), "card+face");
  EXPECT_EQ(out[0].card, "1001");
  EXPECT_NEAR(*out[0].distance, 0.1f, 1e-5);
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing);
}

TEST(AccessControllerCardAndFace, FaceThenCardGrants) {
  auto c = controller(VerificationMode::CardAndFace);
  const auto waits = c.on_face(face(4, kBob), t0);
  EXPECT_TRUE(waits.empty()) << "a face alone waits for its card";
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
  EXPECT_EQ(waits.wait_notice, "track 4: face of 'bob' waits up to 10 s for a card");
  auto out = c.on_credential(card("2002", t0 + 9s), t0 + 9s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].user_name, "bob");
  EXPECT_EQ(out[0].track_id, 4u);
}

TEST(AccessControllerCardAndFace, AnotherUsersFaceWithTheCardIsADenialNotAGrantForThem) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());  // ann's card
  auto out = c.on_face(face(1, kBob), t0 + 1s);            // bob's face, recognised as bob
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedWrongFaceForCard);
  EXPECT_EQ(out[0].user_name, "ann") << "the claim is the card's";
  EXPECT_NE(out[0].reason.find("resembles 'bob'"), std::string::npos) << out[0].reason;
  // And the card is used up: bob's face does not open on it a second later.
  EXPECT_TRUE(c.on_face(face(2, kBob), t0 + 2s).empty());
}

TEST(AccessControllerCardAndFace, TheFaceIsCheckedOneToOneEvenWhenOneToNDidNotKnowIt) {
  auto c = controller(VerificationMode::CardAndFace);
  // The 1:N rule refused this frame (a crowded gallery asks for less than 0.4),
  // but it is 0.4 from ann's face and her card is shown: 1:1 needs under 0.5.
  Decision unknown = face(1, axis(0, 0.6f), Verdict::DeniedUnknown);
  EXPECT_TRUE(c.on_face(unknown, t0).empty());
  auto out = c.on_credential(card("1001", t0 + 1s), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
}

TEST(AccessControllerCardAndFace, AFaceWithoutALiveVerdictDoesNotOpenWithACard) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(face(1, kAnn, Verdict::DeniedOther, false), t0).empty());
  auto out = c.on_credential(card("1001"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].verdict, Verdict::Granted);
}

TEST(AccessControllerCardAndFace, ASpoofWithACardEndsTheAttemptAtOnce) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
  auto out = c.on_face(face(1, kAnn, Verdict::DeniedSpoof), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSpoof);
  EXPECT_EQ(out[0].card, "1001");
  EXPECT_TRUE(c.on_face(face(2, kAnn), t0 + 2s).empty()) << "the card was used up by the attack";
}

TEST(AccessControllerCardAndFace, ASpoofWithACardNamesTheCardsHolder) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_credential(card("2002"), t0).empty());
  Decision photo = face(1, kAnn, Verdict::DeniedUnknown);  // as the pipeline sends a spoof: nobody recognised
  photo.verdict = Verdict::DeniedSpoof;
  auto out = c.on_face(std::move(photo), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSpoof);
  EXPECT_EQ(out[0].user_id, 2) << "whose card was used in the attack";
  EXPECT_EQ(out[0].user_name, "bob");
  EXPECT_EQ(presented_as(out[0]), "card+face");
}

TEST(AccessControllerCardAndFace, EachCredentialExpiresAfterTheTimeout) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
  EXPECT_TRUE(c.expire(t0 + 9999ms).empty());
  auto out = c.expire(t0 + 10s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(presented_as(out[0]), "card");
  // The face that comes after the card expired waits for a card of its own.
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0 + 11s).empty());
  out = c.expire(t0 + 21s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(presented_as(out[0]), "face");
  EXPECT_EQ(out[0].user_name, "ann");
}

TEST(AccessControllerCardAndFace, AnUnknownCardIsDeniedAtOnceAndLeavesTheWaitingFace) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  auto out = c.on_credential(card("999"), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedCardUnknown);
  out = c.on_credential(card("1001", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
}

TEST(AccessControllerCardAndFace, WithSeveralFacesInViewTheCardGoesWithItsHolders) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(face(1, kBob), t0).empty());
  EXPECT_TRUE(c.on_face(face(2, kAnn), t0).empty());
  auto out = c.on_credential(card("1001", t0 + 1s), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].track_id, 2u);
  out = c.flush();
  ASSERT_EQ(out.size(), 1u) << "bob's face still waited for a card";
  EXPECT_EQ(out[0].track_id, 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
}

TEST(AccessControllerCardAndFace, ALaterDecisionOfTheSameTrackReplacesTheEarlier) {
  auto c = controller(VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(face(1, kAnn, Verdict::DeniedUnknown), t0).empty());
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0 + 1s).empty());
  EXPECT_EQ(c.flush().size(), 1u);
}

TEST(AccessControllerCardAndFace, TheOneToOneThresholdFollowsTheHoldersEmbeddings) {
  AccessControllerOptions o;
  o.mode = VerificationMode::CardAndFace;
  std::vector<size_t> asked;
  o.card_face_threshold = [&](size_t n) {
    asked.push_back(n);
    return 0.05f;  // stricter than the 0.1 below
  };
  AccessController c(o, directory());
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
  auto out = c.on_face(face(1, axis(0, 0.9f)), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedWrongFaceForCard);
  EXPECT_EQ(asked, std::vector<size_t>{1}) << "ann has one embedding";
}

TEST(AccessController, EveryDecisionSaysItsModeAndMasksTheCardByDefault) {
  AccessControllerOptions o;
  o.mode = VerificationMode::CardAndFace;
  o.card_face_fixed_threshold = 0.5f;
  AccessDirectory d = directory();
  d.cards.add("0004567123", {1, "ann", {}});
  AccessController c(o, std::move(d));
  EXPECT_TRUE(c.on_credential(card("0004567123"), t0).empty());
  auto out = c.on_face(face(1, kAnn), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "matched on the full number, masked only on the way out";
  EXPECT_EQ(out[0].card, "******7123");
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace);
  out = c.on_credential(card("12"), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedCardUnknown);
  EXPECT_EQ(out[0].card, "*2") << "never more than half of a short number";
  EXPECT_TRUE(c.on_face(face(2, kBob), t0 + 3s).empty());
  out = c.flush();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace) << "a timeout too";
  EXPECT_EQ(mask_card_number("1001"), "**01");
  EXPECT_EQ(mask_card_number("A1B2C3D4E5"), "******D4E5");
}

TEST(AccessController, RepeatedDenialsLockTheDoorAgainstEveryCredential) {
  auto c = controller(VerificationMode::CardOrFace);  // 5 in 50 s lock for 30 s (the defaults)
  for (int i = 0; i < 4; ++i) {
    const auto denied = c.on_credential(card("999", t0 + i * 1s), t0 + i * 1s);
    EXPECT_EQ(denied.at(0).verdict, Verdict::DeniedCardUnknown);
    EXPECT_FALSE(denied.lockout_alert);
  }
  const auto fifth = c.on_face(face(1, kBob, Verdict::DeniedSpoof), t0 + 5s);
  EXPECT_EQ(fifth.at(0).verdict, Verdict::DeniedSpoof);
  const auto& alert = fifth.lockout_alert;
  ASSERT_TRUE(alert) << "the fifth denial locks the door";
  EXPECT_NE(alert->find("refused for 30 s"), std::string::npos) << *alert;
  auto out = c.on_credential(card("1001", t0 + 6s), t0 + 6s);
  EXPECT_EQ(out.at(0).verdict, Verdict::DeniedLockout) << "a known card too";
  EXPECT_EQ(out[0].user_name, "ann");
  EXPECT_EQ(c.on_face(face(2, kAnn), t0 + 7s).at(0).verdict, Verdict::DeniedLockout) << "and a known face";
  const auto spoof = c.on_face(face(3, kBob, Verdict::DeniedSpoof), t0 + 8s);
  EXPECT_EQ(spoof.at(0).verdict, Verdict::DeniedSpoof) << "a spoof stays a spoof";
  EXPECT_FALSE(spoof.lockout_alert) << "one alert per lockout";
  EXPECT_EQ(c.on_credential(card("1001", t0 + 35s), t0 + 35s).at(0).verdict, Verdict::Granted) << "30 s later";
}

TEST(AccessControllerFaceAndPin, FaceThenItsPinGrants) {
  auto c = controller(VerificationMode::FaceAndPin);
  const auto waits = c.on_face(face(1, kAnn), t0);
  EXPECT_TRUE(waits.empty()) << "a face alone waits for its PIN";
  EXPECT_EQ(c.awaiting(), Awaiting::Pin);
  EXPECT_EQ(waits.wait_notice, "track 1: face of 'ann' waits up to 10 s for a PIN");
  auto out = c.on_credential(pin("1111", t0 + 4s), t0 + 4s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].user_name, "ann");
  EXPECT_EQ(presented_as(out[0]), "face+pin");
  EXPECT_EQ(out[0].mode, VerificationMode::FaceAndPin);
  EXPECT_FALSE(out[0].duress);
  EXPECT_EQ(out[0].reason.find("1111"), std::string::npos) << "the digits are never in a decision";
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing);
}

TEST(AccessControllerFaceAndPin, PinThenFaceGrantsAndAsksForTheFacesInViewAfresh) {
  auto c = controller(VerificationMode::FaceAndPin);
  const auto waits = c.on_credential(pin("1111"), t0);
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Face);
  EXPECT_TRUE(waits.judge_faces_afresh);
  auto out = c.on_face(face(1, kAnn), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "face+pin");
}

TEST(AccessControllerFaceAndPin, AWrongPinOrNoPinIsDeniedPin) {
  auto c = controller(VerificationMode::FaceAndPin);
  c.on_face(face(1, kAnn), t0);
  auto out = c.on_credential(pin("1234"), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedPin);
  EXPECT_EQ(out[0].reason, "wrong PIN for 'ann' (1 in a row)");
  c.on_face(face(2, kBob), t0 + 2s);
  out = c.on_credential(pin("1111"), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedPin) << "ann's PIN is not bob's";
  EXPECT_EQ(out[0].reason, "'bob' has no PIN set");
}

TEST(AccessControllerFaceAndPin, AnUnknownFaceOrASpoofIsDeniedAtOnce) {
  auto c = controller(VerificationMode::FaceAndPin);
  auto out = c.on_face(face(1, axis(5), Verdict::DeniedUnknown), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedUnknown);
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing) << "nobody to check a PIN against";
  c.on_credential(pin("1111"), t0 + 1s);
  out = c.on_face(face(2, kAnn, Verdict::DeniedSpoof), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSpoof);
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing) << "a photo ends the attempt, PIN and all";
  EXPECT_TRUE(c.on_face(face(3, kAnn), t0 + 3s).empty()) << "the PIN went with the photo: a new face waits afresh";
}

TEST(AccessControllerFaceAndPin, ThreeWrongPinsInARowBlockThatUsersPinEntry) {
  AccessControllerOptions o;
  o.mode = VerificationMode::FaceAndPin;
  o.lockout.attempts = 100;  // the door's own lockout out of the way: this is the user's
  AccessController c(o, directory());
  for (int i = 1; i <= 3; ++i) {
    c.on_face(face(static_cast<std::uint64_t>(i), kAnn), t0 + i * 1s);
    auto out = c.on_credential(pin("0000", t0 + i * 1s), t0 + i * 1s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].verdict, Verdict::DeniedPin);
  }
  c.on_face(face(4, kAnn), t0 + 4s);
  auto out = c.on_credential(pin("1111", t0 + 4s), t0 + 4s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedLockout) << "even the right PIN, while blocked";
  EXPECT_NE(out[0].reason.find("3 wrong PINs"), std::string::npos) << out[0].reason;
  EXPECT_FALSE(out[0].duress);
  c.on_face(face(7, kAnn), t0 + 4s);
  out = c.on_credential(pin("9999", t0 + 4s), t0 + 4s);
  EXPECT_EQ(out.at(0).verdict, Verdict::DeniedLockout);
  EXPECT_TRUE(out[0].duress) << "refused, but a forced visitor is still reported";
  c.on_face(face(5, kBob), t0 + 5s);
  EXPECT_EQ(c.on_credential(pin("0000", t0 + 5s), t0 + 5s).at(0).verdict, Verdict::DeniedPin) << "bob is not blocked";
  c.on_face(face(6, kAnn), t0 + 40s);
  EXPECT_EQ(c.on_credential(pin("1111", t0 + 40s), t0 + 40s).at(0).verdict, Verdict::Granted) << "30 s later";
}

TEST(AccessControllerFaceAndPin, ARightPinResetsTheCount) {
  AccessControllerOptions o;
  o.mode = VerificationMode::FaceAndPin;
  o.lockout.attempts = 100;
  AccessController c(o, directory());
  int track = 0;
  auto attempt = [&](const char* digits, int s) {
    c.on_face(face(static_cast<std::uint64_t>(++track), kAnn), t0 + s * 1s);
    return c.on_credential(pin(digits, t0 + s * 1s), t0 + s * 1s).at(0).verdict;
  };
  EXPECT_EQ(attempt("0000", 1), Verdict::DeniedPin);
  EXPECT_EQ(attempt("0000", 2), Verdict::DeniedPin);
  EXPECT_EQ(attempt("1111", 3), Verdict::Granted);
  EXPECT_EQ(attempt("0000", 4), Verdict::DeniedPin);
  EXPECT_EQ(attempt("0000", 5), Verdict::DeniedPin);
  EXPECT_EQ(attempt("1111", 6), Verdict::Granted) << "not three in a row";
}

TEST(AccessControllerFaceAndPin, TheDuressPinGrantsLikeTheUsualOneAndIsMarked) {
  auto c = controller(VerificationMode::FaceAndPin);
  c.on_face(face(1, kAnn), t0);
  const auto usual = c.on_credential(pin("1111", t0 + 1s), t0 + 1s).at(0);
  c.on_face(face(2, kAnn), t0 + 2s);
  const auto duress = c.on_credential(pin("9999", t0 + 3s), t0 + 3s).at(0);
  EXPECT_EQ(duress.verdict, Verdict::Granted);
  EXPECT_TRUE(duress.duress);
  EXPECT_EQ(duress.reason, usual.reason) << "nothing in the event's reason tells them apart";
  EXPECT_EQ(duress.presented, usual.presented);
}

TEST(AccessControllerFaceAndPin, AFaceOrAPinAloneExpiresAsATimeout) {
  auto c = controller(VerificationMode::FaceAndPin);
  c.on_face(face(1, kAnn), t0);
  auto out = c.expire(t0 + 10s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(out[0].reason, "face of 'ann': no PIN within 10 s");
  EXPECT_EQ(presented_as(out[0]), "face") << "what was presented";
  c.on_credential(pin("1111", t0 + 20s), t0 + 20s);
  out = c.expire(t0 + 30s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(out[0].reason, "a PIN: no face within 10 s");
  EXPECT_FALSE(out[0].user_id) << "a PIN alone names nobody";
  EXPECT_EQ(presented_as(out[0]), "pin");
}

TEST(AccessControllerFaceAndPin, CardsOpenNothingAndAPinAtAFaceDoorIsIgnored) {
  auto c = controller(VerificationMode::FaceAndPin);
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
  auto f = controller(VerificationMode::Face);
  EXPECT_TRUE(f.on_credential(pin("1111"), t0).empty());
  EXPECT_EQ(f.awaiting(), Awaiting::Nothing);
}

TEST(AccessControllerCardAndPin, CardThenPinAndPinThenCardGrant) {
  auto c = controller(VerificationMode::CardAndPin);
  const auto waits = c.on_credential(card("1001"), t0);
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Pin);
  EXPECT_EQ(waits.wait_notice, "card of 'ann' waits up to 10 s for a PIN");
  auto out = c.on_credential(pin("1111", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "card+pin");
  EXPECT_EQ(out[0].card, "1001");
  EXPECT_EQ(out[0].user_name, "ann");
  EXPECT_TRUE(c.on_credential(pin("1111", t0 + 5s), t0 + 5s).empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
  out = c.on_credential(card("1001", t0 + 6s), t0 + 6s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
}

TEST(AccessControllerCardAndPin, AnUnknownCardIsDeniedAtOnceAndAPinlessCardTimesOut) {
  auto c = controller(VerificationMode::CardAndPin);
  auto out = c.on_credential(card("999"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedCardUnknown);
  EXPECT_EQ(presented_as(out[0]), "card") << "what was presented";
  EXPECT_TRUE(c.on_credential(card("2002", t0 + 1s), t0 + 1s).empty());
  out = c.expire(t0 + 11s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(out[0].reason, "card of 'bob': no PIN within 10 s");
  EXPECT_EQ(presented_as(out[0]), "card") << "no PIN was presented";
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0 + 12s).empty()) << "faces open nothing here";
}

TEST(AccessControllerCardAndPin, ThreeWrongPinsBlockTheCardsHolder) {
  AccessControllerOptions o;
  o.mode = VerificationMode::CardAndPin;
  o.lockout.attempts = 100;
  AccessController c(o, directory());
  for (int i = 0; i < 3; ++i) {
    c.on_credential(card("1001", t0 + i * 1s), t0 + i * 1s);
    EXPECT_EQ(c.on_credential(pin("4321", t0 + i * 1s), t0 + i * 1s).at(0).verdict, Verdict::DeniedPin);
  }
  c.on_credential(card("1001", t0 + 3s), t0 + 3s);
  EXPECT_EQ(c.on_credential(pin("1111", t0 + 3s), t0 + 3s).at(0).verdict, Verdict::DeniedLockout);
}

TEST(AccessControllerCardAndPin, WrongPinsCountTowardsTheDoorsLockout) {
  auto c = controller(VerificationMode::CardAndPin);  // 5 in 50 s lock the door for 30 s
  bool alerted = false;
  for (int i = 0; i < 5; ++i) {
    c.on_credential(card("2002", t0 + i * 1s), t0 + i * 1s);
    alerted = c.on_credential(pin("4321", t0 + i * 1s), t0 + i * 1s).lockout_alert.has_value();
  }
  EXPECT_TRUE(alerted) << "the fifth wrong PIN locks the door";
  c.on_credential(card("1001", t0 + 6s), t0 + 6s);
  EXPECT_EQ(c.on_credential(pin("1111", t0 + 6s), t0 + 6s).at(0).verdict, Verdict::DeniedLockout)
      << "ann's right PIN, but the door is locked out";
}

TEST(VerificationMode, NamesRoundTrip) {
  for (auto m : {VerificationMode::Face, VerificationMode::Card, VerificationMode::CardOrFace, VerificationMode::CardAndFace,
                 VerificationMode::FaceAndPin, VerificationMode::CardAndPin})
    EXPECT_EQ(parse_verification_mode(to_string(m)), m);
  EXPECT_FALSE(parse_verification_mode("face+card"));
  EXPECT_FALSE(needs_card_reader(VerificationMode::Face));
  EXPECT_FALSE(needs_card_reader(VerificationMode::FaceAndPin));
  EXPECT_TRUE(needs_card_reader(VerificationMode::CardAndFace));
  EXPECT_TRUE(needs_card_reader(VerificationMode::CardAndPin));
  EXPECT_TRUE(needs_keypad(VerificationMode::FaceAndPin));
  EXPECT_FALSE(needs_keypad(VerificationMode::CardOrFace));
}

// Users who carry a stricter mode of their own: ann card+face, bob face+pin
// (bob has no PIN: he is refused at the PIN), or ann card+pin.
AccessController controller_with(VerificationMode door, AccessDirectory d) {
  AccessControllerOptions o;
  o.mode = door;
  o.auth_timeout = 10s;
  o.card_face_fixed_threshold = 0.5f;
  o.full_card_numbers = true;
  return AccessController(o, std::move(d));
}
AccessController controller_with_modes(VerificationMode door, std::unordered_map<std::int64_t, VerificationMode> modes) {
  auto d = directory();
  d.user_modes = std::move(modes);
  return controller_with(door, std::move(d));
}

TEST(VerificationMode, AUsersModeAppliesOnlyWhereItAsksForMore) {
  using M = VerificationMode;
  EXPECT_EQ(mode_for_user(M::Face, M::CardAndFace), M::CardAndFace);
  EXPECT_EQ(mode_for_user(M::CardOrFace, M::FaceAndPin), M::FaceAndPin);
  EXPECT_EQ(mode_for_user(M::Card, M::CardAndPin), M::CardAndPin);
  EXPECT_EQ(mode_for_user(M::CardAndFace, M::Face), M::CardAndFace) << "never looser than the door";
  EXPECT_EQ(mode_for_user(M::CardAndFace, M::FaceAndPin), M::CardAndFace) << "as strict: the door's";
  EXPECT_EQ(mode_for_user(M::Face, M::Card), M::Face);
  EXPECT_EQ(mode_for_user(M::Face, std::nullopt), M::Face);
}

TEST(AccessControllerUserMode, ACardAndFaceUsersFaceAtAFaceDoorWaitsForTheirCard) {
  auto c = controller_with_modes(VerificationMode::Face, {{1, VerificationMode::CardAndFace}});
  const auto waits = c.on_face(face(1, kAnn), t0);
  EXPECT_TRUE(waits.empty()) << "ann's face alone does not open";
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
  ASSERT_TRUE(waits.wait_notice);
  // bob carries no mode of his own: the door's face mode opens for him meanwhile.
  auto out = c.on_face(face(2, kBob), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].mode, VerificationMode::Face);
  out = c.on_credential(card("1001", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "card+face");
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace) << "the mode that applied is ann's";
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing);
}

TEST(AccessControllerUserMode, ACardAndFaceUsersCardAtAFaceDoorWaitsForTheirFaceAndOtherCardsStillOpenNothing) {
  auto c = controller_with_modes(VerificationMode::Face, {{1, VerificationMode::CardAndFace}});
  EXPECT_TRUE(c.on_credential(card("2002"), t0).empty()) << "bob's card at a face door: not an attempt";
  const auto waits = c.on_credential(card("1001"), t0);
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Face);
  EXPECT_TRUE(waits.judge_faces_afresh);
  // Somebody else's face with ann's card is a denial for the card.
  auto out = c.on_face(face(1, kBob, Verdict::DeniedUnknown), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedWrongFaceForCard);
  EXPECT_EQ(out[0].user_name, "ann");
}

TEST(AccessControllerUserMode, ACardAndFaceUsersFaceAloneTimesOutNamingTheCard) {
  auto c = controller_with_modes(VerificationMode::CardOrFace, {{1, VerificationMode::CardAndFace}});
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  const auto out = c.expire(t0 + 10s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_NE(out[0].reason.find("no card"), std::string::npos) << out[0].reason;
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace);
}

TEST(AccessControllerUserMode, AFaceAndPinUsersFaceAtAFaceDoorWaitsForTheirPin) {
  auto c = controller_with_modes(VerificationMode::Face, {{1, VerificationMode::FaceAndPin}});
  EXPECT_TRUE(c.on_credential(pin("1111"), t0).empty()) << "a PIN first, at a face door: not taken";
  EXPECT_EQ(c.awaiting(), Awaiting::Nothing);
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Pin);
  auto out = c.on_credential(pin("1111", t0 + 3s), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "face+pin");
  EXPECT_EQ(out[0].mode, VerificationMode::FaceAndPin);
  // A wrong PIN is a PIN denial, as at a face+pin door.
  c.on_face(face(2, kAnn), t0 + 20s);
  out = c.on_credential(pin("4321", t0 + 21s), t0 + 21s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedPin);
}

TEST(AccessControllerUserMode, AFaceAndPinUsersCardAtACardDoorIsRefusedSayingWhatTheyMustPresent) {
  auto c = controller_with_modes(VerificationMode::Card, {{1, VerificationMode::FaceAndPin}});
  auto out = c.on_credential(card("1001"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedOther);
  EXPECT_NE(out[0].reason.find("face and PIN"), std::string::npos) << out[0].reason;
  out = c.on_credential(card("2002"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "bob's card alone, as the door's mode says";
}

TEST(AccessControllerUserMode, ACardAndPinUsersFaceIsRefusedAndTheirCardWaitsForThePin) {
  auto c = controller_with_modes(VerificationMode::CardOrFace, {{1, VerificationMode::CardAndPin}});
  auto out = c.on_face(face(1, kAnn), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedOther);
  EXPECT_NE(out[0].reason.find("card and their PIN"), std::string::npos) << out[0].reason;
  EXPECT_TRUE(c.on_credential(card("1001", t0 + 1s), t0 + 1s).empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Pin);
  out = c.on_credential(pin("1111", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "card+pin");
}

TEST(AccessControllerUserMode, AtAStricterDoorTheDoorsModeHolds) {
  // ann's own mode (face) asks less than the door's card+face: she needs both.
  auto c = controller_with_modes(VerificationMode::CardAndFace, {{1, VerificationMode::Face}});
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
}

TEST(AccessControllerUserMode, TwoUsersWaitingForDifferentSecondFactorsEachGetTheirOwn) {
  // ann (card+face) waits for her card while bob (face+pin) waits for his PIN.
  auto c = controller_with_modes(VerificationMode::Face,
                                 {{1, VerificationMode::CardAndFace}, {2, VerificationMode::FaceAndPin}});
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty());
  EXPECT_TRUE(c.on_face(face(2, kBob), t0).empty());
  auto out = c.on_credential(card("1001", t0 + 1s), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "the card goes with ann's face, not bob's";
  EXPECT_EQ(out[0].user_name, "ann");
  out = c.on_credential(pin("1111", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].user_name, "bob") << "the PIN goes with the face that waits for one";
  EXPECT_EQ(out[0].verdict, Verdict::DeniedPin) << "bob has no PIN";
}

// Look-alike protection (access/lookalikes.h): ann has a look-alike enrolled.
AccessController controller_with_lookalike(VerificationMode door, VerificationMode second) {
  auto d = directory();
  d.lookalike_modes = {{1, second}};
  return controller_with(door, std::move(d));
}

TEST(AccessControllerLookAlike, ALookAlikesFaceAtAFaceDoorWaitsForTheirCardOthersStillEnterByFace) {
  auto c = controller_with_lookalike(VerificationMode::Face, VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(face(1, kAnn), t0).empty()) << "ann's face alone does not open";
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
  auto out = c.on_face(face(2, kBob), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "bob has no look-alike: his face opens";
  out = c.on_credential(card("1001", t0 + 2s), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "card+face");
}

TEST(AccessControllerLookAlike, ALookAlikeWithAPinAsksForItAndACardOrFaceDoorTakesTheirCardAlone) {
  auto pin_door = controller_with_lookalike(VerificationMode::Face, VerificationMode::FaceAndPin);
  EXPECT_TRUE(pin_door.on_face(face(1, kAnn), t0).empty());
  EXPECT_EQ(pin_door.awaiting(), Awaiting::Pin);
  auto out = pin_door.on_credential(pin("1111", t0 + 1s), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(presented_as(out[0]), "face+pin");

  auto either = controller_with_lookalike(VerificationMode::CardOrFace, VerificationMode::CardAndFace);
  EXPECT_TRUE(either.on_face(face(1, kAnn), t0).empty()) << "at a card|face door a look-alike's face opens nothing";
  out = either.on_credential(card("1001", t0 + 1s), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "their card alone still does";
  EXPECT_EQ(presented_as(out[0]), "card");
}

TEST(AccessControllerLookAlike, ADoorThatAsksTwoCredentialsAlreadyIsUnchanged) {
  auto c = controller_with_lookalike(VerificationMode::CardAndPin, VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_credential(card("1001"), t0).empty());
  EXPECT_EQ(c.awaiting(), Awaiting::Pin) << "card+pin stays card+pin";
}

}  // namespace
}  // namespace portier
