// The access controller under an access policy: the door's mode follows its
// schedule, and a known user is refused outside their groups' hours.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/access_controller.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;

Embedding along(int k) {
  Embedding e{};
  e[static_cast<size_t>(k)] = 1.0f;
  return e;
}

// ann is staff (weekdays 08:00-18:00), bob is in no group, cat's group is one
// the policy does not name. Nights (18:00-24:00 every day) want card+face.
std::shared_ptr<const AccessPolicy> office_policy() {
  return std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(R"({
    "version": "t1",
    "profiles": {
      "office": {"week": {"mon": ["08:00-18:00"], "tue": ["08:00-18:00"], "wed": ["08:00-18:00"],
                          "thu": ["08:00-18:00"], "fri": ["08:00-18:00"]}},
      "night": {"week": {"mon": ["18:00-24:00"], "tue": ["18:00-24:00"], "wed": ["18:00-24:00"],
                         "thu": ["18:00-24:00"], "fri": ["18:00-24:00"], "sat": ["18:00-24:00"],
                         "sun": ["18:00-24:00"]}}
    },
    "groups": {"staff": {"profile": "office"}},
    "door": {"mode": "face", "schedule": [{"profile": "night", "mode": "card+face"}]}
  })")));
}

AccessDirectory people() {
  AccessDirectory d;
  d.faces.add(1, "ann", along(0));
  d.faces.add(2, "bob", along(1));
  d.faces.add(3, "cat", along(2));
  d.cards.add("1001", {1, "ann", {}});
  d.groups.add(1, "staff");
  d.groups.add(3, "contractors");
  return d;
}

// The door's clock, moved by the test. 2026-12-07 is a Monday.
struct TestClock {
  LocalTime now{2026_y / 12 / 7, 9 * 60};
};

AccessController controller(TestClock& clock) {
  AccessControllerOptions o;
  o.mode = VerificationMode::CardAndFace;  // what no rule names: never used here, the door names "face"
  o.auth_timeout = 10s;
  o.card_face_fixed_threshold = 0.5f;
  o.policy = office_policy();
  o.local_now = [&clock] { return clock.now; };
  return AccessController(o, people());
}

Decision recognised(std::uint64_t track, std::int64_t user, const char* name) {
  Decision d;
  d.track_id = track;
  d.verdict = Verdict::Granted;
  d.user_id = user;
  d.user_name = name;
  d.embedding = along(static_cast<int>(user - 1));
  d.liveness_passed = true;
  return d;
}

const Clock::time_point t0 = Clock::time_point(1000s);

TEST(AccessControllerSchedule, AUserEntersOnlyInTheirGroupsHours) {
  TestClock clock;
  auto c = controller(clock);
  auto out = c.on_face(recognised(1, 1, "ann"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  clock.now.minute = 18 * 60;  // 18:00 is past the end of office hours (end exclusive)
  out = c.on_face(recognised(2, 1, "ann"), t0 + 1s);
  // 18:00 is also night: card+face now, so the face waits for a card.
  EXPECT_TRUE(out.empty());
  out = c.on_credential({Credential::Kind::Card, "1001", t0 + 2s}, t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule) << out[0].reason;
  EXPECT_NE(out[0].reason.find("staff"), std::string::npos) << out[0].reason;
  EXPECT_EQ(out[0].mode, "card+face");
  // On a Saturday morning the office profile does not hold either.
  clock.now = {2026_y / 12 / 12, 10 * 60};
  out = c.on_face(recognised(3, 1, "ann"), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
  EXPECT_EQ(out[0].mode, "face");
}

TEST(AccessControllerSchedule, NoGroupIsUnrestrictedAndAnUnknownGroupAdmitsNobody) {
  TestClock clock;
  clock.now = {2026_y / 12 / 12, 10 * 60};  // Saturday
  auto c = controller(clock);
  auto out = c.on_face(recognised(1, 2, "bob"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  clock.now = {2026_y / 12 / 7, 9 * 60};  // Monday, office hours: cat's group is in no policy
  out = c.on_face(recognised(2, 3, "cat"), t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
  EXPECT_NE(out[0].reason.find("contractors"), std::string::npos) << out[0].reason;
}

TEST(AccessControllerSchedule, TheModeFollowsTheClockAndWhatWaitedExpires) {
  TestClock clock;
  clock.now.minute = 20 * 60;  // Monday night: card+face
  auto c = controller(clock);
  EXPECT_EQ(c.mode(), VerificationMode::CardAndFace);
  EXPECT_TRUE(c.on_face(recognised(1, 2, "bob"), t0).empty());
  EXPECT_EQ(c.awaiting(), AccessController::Awaiting::Card);
  // Midnight: Tuesday 00:00 is not night, the door is face-only again; the
  // face that waited for a card ends as a timeout, told why.
  clock.now = {2026_y / 12 / 8, 0};
  auto out = c.expire(t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(out[0].mode, "card+face");
  EXPECT_NE(out[0].reason.find("mode changed to face"), std::string::npos) << out[0].reason;
  EXPECT_EQ(c.mode(), VerificationMode::Face);
  auto notice = c.take_mode_notice();
  ASSERT_TRUE(notice);
  EXPECT_NE(notice->find("from card+face to face"), std::string::npos) << *notice;
  EXPECT_FALSE(c.take_mode_notice());
  out = c.on_face(recognised(2, 2, "bob"), t0 + 2s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].mode, "face");
}

TEST(AccessControllerSchedule, RefusalsByScheduleNeverLockTheDoor) {
  TestClock clock;
  clock.now = {2026_y / 12 / 12, 10 * 60};  // Saturday: ann is refused
  auto c = controller(clock);
  for (int i = 0; i < 8; ++i) {
    auto out = c.on_face(recognised(static_cast<std::uint64_t>(i + 1), 1, "ann"), t0 + std::chrono::seconds(i));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
  }
  EXPECT_FALSE(c.take_lockout_alert());
  auto out = c.on_face(recognised(20, 2, "bob"), t0 + 9s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
}

}  // namespace
}  // namespace portier
