#include "access/access_policy.h"

#include "access/time_format.h"
#include "access/user_groups.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace portier {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw PolicyError(where + ": " + what); }

// Every key of an object must be one we know: a typo must not pass as "closed".
void only_keys(const json& j, const std::string& where, std::initializer_list<const char*> known) {
  if (!j.is_object()) fail(where, "must be an object");
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) fail(where, "unknown key '" + key + "'");
  }
}

const json& required(const json& j, const std::string& where, const char* key) {
  if (!j.contains(key)) fail(where, std::string("missing '") + key + "'");
  return j.at(key);
}

std::string text(const json& j, const std::string& where) {
  if (!j.is_string()) fail(where, "must be a string");
  return j.get<std::string>();
}

date::year_month_day day(const json& j, const std::string& where) {
  const auto s = text(j, where);
  const auto ymd = parse_day(s);
  if (!ymd) fail(where, "'" + s + "' is not a day of the calendar YYYY-MM-DD");
  return *ymd;
}

std::vector<TimeSegment> segments(const json& j, const std::string& where) {
  if (!j.is_array()) fail(where, "must be a list of segments \"HH:MM-HH:MM\"");
  if (j.size() > kMaxSegmentsPerDay) fail(where, fmt::format("{} segments, at most {} a day", j.size(), kMaxSegmentsPerDay));
  std::vector<TimeSegment> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto at = fmt::format("{}[{}]", where, i);
    TimeSegment s;
    if (auto problem = parse_segment(text(j[i], at), s)) fail(at, *problem);
    for (const auto& other : out)
      if (s.begin < other.end && other.begin < s.end) fail(at, to_string(s) + " overlaps " + to_string(other));
    out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](auto a, auto b) { return a.begin < b.begin; });
  return out;
}

constexpr const char* kDays[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string name_key(const std::string& key, const std::string& where) {
  if (key.empty() || key.size() > 64) fail(where, "a name has 1 to 64 characters");
  return key;
}

}  // namespace

AccessPolicy parse_access_policy(const json& doc) {
  only_keys(doc, "policy", {"version", "holiday_groups", "profiles", "groups", "door"});
  AccessPolicy p;
  // The version is how a backend's sync tells documents apart; a file may go without.
  if (doc.contains("version")) {
    p.version = text(doc["version"], "version");
    if (p.version.empty()) fail("version", "must not be empty (leave it out instead)");
  }

  std::map<std::string, std::vector<HolidayRange>> holiday_groups;
  if (doc.contains("holiday_groups")) {
    const auto& hg = doc["holiday_groups"];
    if (!hg.is_object()) fail("holiday_groups", "must be an object of named lists");
    for (const auto& [name, ranges] : hg.items()) {
      const auto where = "holiday_groups." + name_key(name, "holiday_groups");
      if (!ranges.is_array()) fail(where, "must be a list of {from, to, segments}");
      auto& out = holiday_groups[name];
      for (size_t i = 0; i < ranges.size(); ++i) {
        const auto at = fmt::format("{}[{}]", where, i);
        only_keys(ranges[i], at, {"from", "to", "segments"});
        HolidayRange r;
        r.from = day(required(ranges[i], at, "from"), at + ".from");
        r.to = ranges[i].contains("to") ? day(ranges[i]["to"], at + ".to") : r.from;
        if (date::sys_days(r.to) < date::sys_days(r.from)) fail(at, "'to' is before 'from'");
        if (ranges[i].contains("segments")) r.segments = segments(ranges[i]["segments"], at + ".segments");
        out.push_back(std::move(r));
      }
    }
  }

  const auto& profiles = required(doc, "policy", "profiles");
  if (!profiles.is_object() || profiles.empty()) fail("profiles", "must be an object of at least one named profile");
  for (const auto& [name, body] : profiles.items()) {
    const auto where = "profiles." + name_key(name, "profiles");
    only_keys(body, where, {"week", "holiday_groups"});
    TimeProfile t;
    t.name = name;
    const auto& week = required(body, where, "week");
    only_keys(week, where + ".week", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
    for (unsigned d = 0; d < 7; ++d)
      if (week.contains(kDays[d])) t.week[d] = segments(week[kDays[d]], where + ".week." + kDays[d]);
    if (body.contains("holiday_groups")) {
      const auto& names = body["holiday_groups"];
      if (!names.is_array()) fail(where + ".holiday_groups", "must be a list of holiday group names");
      for (const auto& n : names) {
        const auto group = text(n, where + ".holiday_groups");
        const auto it = holiday_groups.find(group);
        if (it == holiday_groups.end()) fail(where + ".holiday_groups", "no holiday group '" + group + "'");
        t.holidays.insert(t.holidays.end(), it->second.begin(), it->second.end());
      }
    }
    p.profiles.emplace(name, std::move(t));
  }

  auto profile_name = [&](const json& j, const std::string& where) {
    const auto n = text(j, where);
    if (!p.profiles.count(n)) fail(where, "no profile '" + n + "'");
    return n;
  };
  if (doc.contains("groups")) {
    const auto& groups = doc["groups"];
    if (!groups.is_object()) fail("groups", "must be an object of named groups");
    for (const auto& [name, body] : groups.items()) {
      const auto where = "groups." + name_key(name, "groups");
      if (auto problem = group_name_problem(name)) fail(where, *problem);
      only_keys(body, where, {"profile"});
      p.group_profile[name] = profile_name(required(body, where, "profile"), where + ".profile");
    }
  }
  auto mode = [](const json& j, const std::string& where) {
    const auto m = parse_verification_mode(text(j, where));
    if (!m) fail(where, "'" + j.get<std::string>() + "' is not a mode (face, card, card|face, card+face, face+pin, card+pin)");
    return *m;
  };
  if (doc.contains("door")) {
    const auto& door = doc["door"];
    only_keys(door, "door", {"mode", "schedule", "unlocked"});
    if (door.contains("mode")) p.door_mode = mode(door["mode"], "door.mode");
    if (door.contains("schedule")) {
      const auto& rules = door["schedule"];
      if (!rules.is_array()) fail("door.schedule", "must be a list of {profile, mode}");
      for (size_t i = 0; i < rules.size(); ++i) {
        const auto at = fmt::format("door.schedule[{}]", i);
        only_keys(rules[i], at, {"profile", "mode"});
        p.door_schedule.push_back({profile_name(required(rules[i], at, "profile"), at + ".profile"),
                                   mode(required(rules[i], at, "mode"), at + ".mode")});
      }
    }
    if (door.contains("unlocked")) {
      const auto& rules = door["unlocked"];
      if (!rules.is_array()) fail("door.unlocked", "must be a list of {profile, first_in}");
      for (size_t i = 0; i < rules.size(); ++i) {
        const auto at = fmt::format("door.unlocked[{}]", i);
        only_keys(rules[i], at, {"profile", "first_in"});
        AccessPolicy::UnlockRule rule{profile_name(required(rules[i], at, "profile"), at + ".profile"), std::nullopt};
        if (rules[i].contains("first_in")) {
          const auto group = text(rules[i]["first_in"], at + ".first_in");
          if (!p.group_profile.count(group)) fail(at + ".first_in", "no group '" + group + "' in \"groups\"");
          rule.first_in = group;
        }
        p.door_unlocked.push_back(std::move(rule));
      }
    }
  }
  return p;
}

AccessPolicy load_access_policy(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw PolicyError("cannot read the access policy " + file.string());
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw PolicyError(file.string() + ": not JSON: " + e.what());
  }
  try {
    return parse_access_policy(doc);
  } catch (const PolicyError& e) {
    throw PolicyError(file.string() + ": " + e.what());
  }
}

VerificationMode AccessPolicy::mode_at(const LocalTime& t, VerificationMode fallback) const {
  for (const auto& rule : door_schedule)
    if (profiles.at(rule.profile).allows(t)) return rule.mode;
  return door_mode.value_or(fallback);
}

std::optional<std::string> AccessPolicy::refusal(const std::vector<std::string>& groups, const LocalTime& t) const {
  if (groups.empty()) return std::nullopt;
  std::vector<std::string> unknown;
  for (const auto& g : groups) {
    const auto it = group_profile.find(g);
    if (it == group_profile.end()) unknown.push_back(g);
    else if (profiles.at(it->second).allows(t)) return std::nullopt;
  }
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
  return fmt::format("no group of theirs ({}) allows entry on {} {:02}:{:02}{}", list, kDays[t.weekday().c_encoding()],
                     t.minute / 60, t.minute % 60,
                     unknown.empty() ? std::string() : "; not in the access policy: " + fmt::format("{}", fmt::join(unknown, ", ")));
}

}  // namespace portier
