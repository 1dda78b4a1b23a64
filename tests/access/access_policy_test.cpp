#include "access/access_policy.h"

#include <fstream>
#include <functional>

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace portier {
namespace {

using namespace date::literals;
using nlohmann::json;

json good() {
  return json::parse(R"({
    "version": "7",
    "holiday_groups": {"uk": [{"from": "2026-12-25", "to": "2026-12-26"}, {"from": "2026-12-31", "segments": ["09:00-12:00"]}]},
    "profiles": {
      "office": {"week": {"mon": ["07:00-19:00"], "tue": ["07:00-19:00"], "wed": ["07:00-19:00"],
                           "thu": ["07:00-19:00"], "fri": ["07:00-19:00"]}, "holiday_groups": ["uk"]},
      "evenings": {"week": {"mon": ["18:00-22:00"], "sat": ["00:00-24:00"]}}
    },
    "groups": {"staff": {"profile": "office"}, "cleaners": {"profile": "evenings"}},
    "door": {"mode": "card+face", "schedule": [{"profile": "office", "mode": "face"}]}
  })");
}

std::string error_of(const json& doc) {
  try {
    parse_access_policy(doc);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

const LocalTime kMondayTen{2026_y / 11 / 30, 10 * 60}, kMondayEight{2026_y / 11 / 30, 20 * 60},
    kChristmasTen{2026_y / 12 / 25, 10 * 60};

TEST(AccessPolicy, TheDoorsModeFollowsItsSchedule) {
  const auto p = parse_access_policy(good());
  EXPECT_EQ(p.version, "7");
  EXPECT_EQ(p.mode_at(kMondayTen, VerificationMode::Card), VerificationMode::Face) << "office hours: face";
  EXPECT_EQ(p.mode_at(kMondayEight, VerificationMode::Card), VerificationMode::CardAndFace) << "otherwise the door's mode";
  EXPECT_EQ(p.mode_at(kChristmasTen, VerificationMode::Card), VerificationMode::CardAndFace) << "a holiday is not office hours";
  auto no_door = good();
  no_door.erase("door");
  EXPECT_EQ(parse_access_policy(no_door).mode_at(kMondayTen, VerificationMode::Card), VerificationMode::Card)
      << "without a door section, [access] mode";
}

TEST(AccessPolicy, AUserEntersWhenAnyOfTheirGroupsAllows) {
  const auto p = parse_access_policy(good());
  EXPECT_FALSE(p.refusal({"staff"}, kMondayTen));
  EXPECT_TRUE(p.refusal({"staff"}, kMondayEight));
  EXPECT_FALSE(p.refusal({"staff", "cleaners"}, kMondayEight)) << "cleaners may at 20:00";
  EXPECT_FALSE(p.refusal({}, kChristmasTen)) << "a user in no group is not restricted by time";
  const auto why = p.refusal({"staff", "visitors"}, kChristmasTen);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("(staff, visitors)"), std::string::npos) << *why;
  EXPECT_NE(why->find("fri 10:00"), std::string::npos) << *why;
  EXPECT_NE(why->find("not in the access policy: visitors"), std::string::npos) << *why;
}

TEST(AccessPolicy, EachBadDocumentIsRefusedNamingWhere) {
  auto with = [](const std::function<void(json&)>& change) {
    auto doc = good();
    change(doc);
    return error_of(doc);
  };
  EXPECT_EQ(error_of(good()), "");
  EXPECT_EQ(with([](json& d) { d.erase("version"); }), "") << "a file may go without a version";
  EXPECT_NE(with([](json& d) { d["door"]["unlocked"] = json::parse(R"([{"profile": "nope"}])"); }).find("door.unlocked[0].profile: no profile 'nope'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["door"]["unlocked"] = json::parse(R"([{"profile": "office", "first_in": "ghosts"}])"); })
                .find("door.unlocked[0].first_in: no group 'ghosts'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["door"]["unlocked"] = json::parse(R"([{"profile": "office", "until": "18:00"}])"); })
                .find("door.unlocked[0]: unknown key 'until'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["version"] = ""; }).find("version: must not be empty"), std::string::npos);
  EXPECT_NE(with([](json& d) { d["version"] = 7; }).find("version: must be a string"), std::string::npos);
  EXPECT_NE(with([](json& d) { d["profiles"]["office"]["week"]["mon"] = {"22:00-06:00"}; })
                .find("profiles.office.week.mon[0]: '22:00-06:00' wraps midnight"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["profiles"]["office"]["week"]["mon"] = {"07:00-12:00", "11:00-13:00"}; })
                .find("overlaps"),
            std::string::npos);
  EXPECT_NE(with([](json& d) {
              d["profiles"]["office"]["week"]["mon"] = json::array();
              for (int h = 0; h < 9; ++h) d["profiles"]["office"]["week"]["mon"].push_back(fmt::format("{:02}:00-{:02}:30", h, h));
            }).find("9 segments, at most 8"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["profiles"]["office"]["week"]["monday"] = json::array(); }).find("unknown key 'monday'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["groups"]["staff"]["profile"] = "ofice"; }).find("groups.staff.profile: no profile 'ofice'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["profiles"]["office"]["holiday_groups"] = {"us"}; }).find("no holiday group 'us'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["holiday_groups"]["uk"][0]["from"] = "2026-02-30"; }).find("not a day of the calendar"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["holiday_groups"]["uk"][0]["to"] = "2026-12-01"; }).find("'to' is before 'from'"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["door"]["mode"] = "face+card"; }).find("door.mode: 'face+card' is not a mode"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["door"]["schedule"][0]["profile"] = 3; }).find("door.schedule[0].profile: must be a string"),
            std::string::npos);
}

TEST(AccessPolicy, AFileThatIsNotJsonOrNotThereIsNamed) {
  test::TempDir dir;
  try {
    load_access_policy(dir / "none.json");
    FAIL();
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read the access policy"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "bad.json") << "{\"version\": ";
  try {
    load_access_policy(dir / "bad.json");
    FAIL();
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: not JSON"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "good.json") << good().dump();
  EXPECT_EQ(load_access_policy(dir / "good.json").profiles.size(), 2u);
}

}  // namespace
}  // namespace portier
