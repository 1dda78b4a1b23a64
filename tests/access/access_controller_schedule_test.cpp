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
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace);
  // On a Saturday morning the office profile does not hold either.
  clock.now = {2026_y / 12 / 12, 10 * 60};
  out = c.on_face(recognised(3, 1, "ann"), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
  EXPECT_EQ(out[0].mode, VerificationMode::Face);
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
  EXPECT_EQ(c.awaiting(), Awaiting::Card);
  // Midnight: Tuesday 00:00 is not night, the door is face-only again; the
  // face that waited for a card ends as a timeout, told why.
  clock.now = {2026_y / 12 / 8, 0};
  auto out = c.expire(t0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(out[0].mode, VerificationMode::CardAndFace);
  EXPECT_NE(out[0].reason.find("mode changed to face"), std::string::npos) << out[0].reason;
  EXPECT_EQ(c.mode(), VerificationMode::Face);
  const auto& notice = out.mode_notice;
  ASSERT_TRUE(notice);
  EXPECT_NE(notice->find("from card+face to face"), std::string::npos) << *notice;
  out = c.on_face(recognised(2, 2, "bob"), t0 + 2s);
  EXPECT_FALSE(out.mode_notice) << "once";
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_EQ(out[0].mode, VerificationMode::Face);
}

TEST(AccessControllerSchedule, RefusalsByScheduleNeverLockTheDoor) {
  TestClock clock;
  clock.now = {2026_y / 12 / 12, 10 * 60};  // Saturday: ann is refused
  auto c = controller(clock);
  for (int i = 0; i < 8; ++i) {
    auto out = c.on_face(recognised(static_cast<std::uint64_t>(i + 1), 1, "ann"), t0 + std::chrono::seconds(i));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
    EXPECT_FALSE(out.lockout_alert);
  }
  auto out = c.on_face(recognised(20, 2, "bob"), t0 + 9s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
}

// Office hours 08:00-18:00 on weekdays keep the door unlocked; on Saturday
// 09:00-13:00 only once a member of staff has been granted.
std::shared_ptr<const AccessPolicy> unlocking_policy() {
  return std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(R"({
    "profiles": {
      "office": {"week": {"mon": ["08:00-18:00"], "tue": ["08:00-18:00"], "wed": ["08:00-18:00"],
                          "thu": ["08:00-18:00"], "fri": ["08:00-18:00"]}},
      "saturday": {"week": {"sat": ["09:00-13:00"]}},
      "always": {"week": {"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
                          "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"],
                          "sun": ["00:00-24:00"]}}
    },
    "groups": {"staff": {"profile": "always"}, "visitors": {"profile": "saturday"}},
    "door": {"unlocked": [{"profile": "office"}, {"profile": "saturday", "first_in": "staff"}]}
  })")));
}

AccessController unlocking_controller(TestClock& clock) {
  AccessControllerOptions o;
  o.mode = VerificationMode::Face;
  o.policy = unlocking_policy();
  o.local_now = [&clock] { return clock.now; };
  AccessDirectory d = people();  // ann is staff; cat is a visitor here
  d.groups = {};
  d.groups.add(1, "staff");
  d.groups.add(3, "visitors");
  return AccessController(o, std::move(d));
}

TEST(AccessControllerSchedule, OfficeHoursKeepTheDoorUnlockedUntilTheirEnd) {
  TestClock clock;  // Monday 09:00
  auto c = unlocking_controller(clock);
  const auto first = c.expire(t0 - 1s);
  ASSERT_TRUE(first.unlock_window);
  EXPECT_EQ(first.unlock_window->left, std::chrono::hours(9));
  EXPECT_NE(first.unlock_window->why.find("profile office"), std::string::npos);
  const auto& opened = first.unlock_notice;
  ASSERT_TRUE(opened);
  EXPECT_NE(opened->find("keeps the door unlocked (profile office) for 9 h 00 min"), std::string::npos) << *opened;
  clock.now = {2026_y / 12 / 7, 17 * 60 + 59, 50};
  const auto later = c.expire(t0);
  ASSERT_TRUE(later.unlock_window);
  EXPECT_EQ(later.unlock_window->left, std::chrono::seconds(10));
  EXPECT_FALSE(later.unlock_notice) << "the same window: no new notice";
  clock.now = {2026_y / 12 / 7, 18 * 60};
  const auto end = c.expire(t0 + 1s);
  EXPECT_FALSE(end.unlock_window) << "18:00 is the end, exclusive";
  const auto& closed = end.unlock_notice;
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("has ended: the door locks"), std::string::npos) << *closed;
}

TEST(AccessControllerSchedule, FirstPersonInUnlocksTheDoorForTheRestOfTheWindowOnly) {
  TestClock clock;
  clock.now = {2026_y / 12 / 12, 8 * 60 + 30};  // Saturday, before the window
  auto c = unlocking_controller(clock);
  auto out = c.on_face(recognised(1, 1, "ann"), t0);  // staff, but too early: no window to open
  EXPECT_FALSE(out.unlock_window);
  clock.now = {2026_y / 12 / 12, 9 * 60 + 15};
  EXPECT_FALSE(c.expire(t0 + 1s).unlock_window) << "09:00 came, but no member of staff yet";
  out = c.on_face(recognised(2, 3, "cat"), t0 + 2s);  // a visitor: granted, but not first in
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  EXPECT_FALSE(out.unlock_window);
  out = c.on_face(recognised(3, 1, "ann"), t0 + 3s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted);
  ASSERT_TRUE(out.unlock_window) << "the first member of staff opens the door for the morning";
  EXPECT_EQ(out.unlock_window->left, std::chrono::minutes(3 * 60 + 45));
  EXPECT_NE(out.unlock_window->why.find("first in: ann of group staff"), std::string::npos) << out.unlock_window->why;
  clock.now = {2026_y / 12 / 12, 13 * 60};
  EXPECT_FALSE(c.expire(t0 + 4s).unlock_window);
  clock.now = {2026_y / 12 / 19, 9 * 60 + 5};  // the next Saturday needs its own first person
  EXPECT_FALSE(c.expire(t0 + 5s).unlock_window);
}

TEST(AccessControllerSchedule, ADeniedStaffMemberOpensNoWindow) {
  TestClock clock;
  clock.now = {2026_y / 12 / 12, 10 * 60};
  auto c = unlocking_controller(clock);
  Decision spoof = recognised(1, 1, "ann");
  spoof.verdict = Verdict::DeniedSpoof;
  spoof.liveness_passed = false;
  EXPECT_FALSE(c.on_face(spoof, t0).unlock_window) << "a photo of ann must not unlock the door for the morning";
}

TEST(AccessControllerSchedule, APolicyFromTheBackendTakesOverOnceAndOnlyWhenItChanges) {
  TestClock clock;  // Monday 09:00
  AccessControllerOptions o;
  o.mode = VerificationMode::Face;
  o.local_now = [&clock] { return clock.now; };  // no policy of its own yet
  AccessController c(o, people());
  auto out = c.on_face(recognised(1, 3, "cat"), t0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::Granted) << "no policy: nobody is restricted";

  AccessDirectory synced = people();
  synced.policy = office_policy();  // cat's group 'contractors' is not in it
  synced.policy_etag = "\"e1\"";
  c.set_directory(std::move(synced));
  out = c.on_face(recognised(2, 3, "cat"), t0 + 1s);
  const auto& notice = out.policy_notice;
  ASSERT_TRUE(notice) << "told with the next outcome";
  EXPECT_NE(notice->find("version t1 from the backend now applies"), std::string::npos) << *notice;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::DeniedSchedule);
  clock.now = {2026_y / 12 / 7, 20 * 60};
  (void)c.expire(t0 + 2s);
  EXPECT_EQ(c.mode(), VerificationMode::CardAndFace) << "the backend's night rule";

  AccessDirectory reloaded = people();  // the same document, loaded again with a new user
  reloaded.policy = office_policy();
  reloaded.policy_etag = "\"e1\"";
  c.set_directory(std::move(reloaded));
  EXPECT_FALSE(c.expire(t0 + 3s).policy_notice) << "the same ETag: nothing new applies";
}

}  // namespace
}  // namespace portier
