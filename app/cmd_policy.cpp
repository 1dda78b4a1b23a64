// `portier policy check [FILE] [--at "YYYY-MM-DD HH:MM"]`: an installer sees
// whether an access policy is valid, and what it does at a given moment,
// before the door acts on it.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "access/access_policy.h"
#include "access/local_clock.h"
#include "app/command_context.h"

namespace portier {
namespace {

constexpr const char* kDayNames[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

// "YYYY-MM-DD HH:MM" (or with a 'T') as the door's civil time.
LocalTime parse_local_time(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0, hh = 0, mm = 0;
  char sep = 0, tail = 0;
  const bool shaped = text.size() == 16 &&
                      std::sscanf(text.c_str(), "%4d-%2u-%2u%c%2u:%2u%c", &y, &m, &d, &sep, &hh, &mm, &tail) == 6 &&
                      (sep == ' ' || sep == 'T');
  const date::year_month_day day{date::year(y), date::month(m), date::day(d)};
  if (!shaped || !day.ok() || hh > 23 || mm > 59)
    throw CommandError(kExitBadInput, "--at '" + text + "' is not a local time \"YYYY-MM-DD HH:MM\"");
  return LocalTime(day, static_cast<int>(hh * 60 + mm));
}

std::string segments_text(const std::vector<TimeSegment>& segments) {
  if (segments.empty()) return "closed";
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : ", ") + to_string(s);
  return out;
}

}  // namespace

void add_policy_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("policy", "Check an access policy (schedules, groups, the door's mode by time)");
  cmd->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file")->configurable(false);
  auto* check = cmd->add_subcommand("check", "Validate FILE (default: [access] policy_file) and show what it does at a moment");
  auto file = std::make_shared<std::string>();
  auto at = std::make_shared<std::string>();
  check->add_option("FILE", *file, "Access policy (JSON)");
  check->add_option("--at", *at, "Local time to evaluate, \"YYYY-MM-DD HH:MM\" (default: now in [access] time_zone)");
  check->fallthrough();
  check->callback([&exit_code, config, file, at] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      // FILE, or else the policy the door applies (the backend's, or [access] policy_file).
      AccessPolicy policy;
      std::string source = *file;
      if (file->empty()) {
        const auto in_force = policy_in_force(c);
        if (!in_force.policy)
          throw CommandError(kExitBadInput, "no FILE given, and no access policy in force ([access] policy_file, "
                                            "backend.sync_policy) in " + c.file.string());
        policy = *in_force.policy;
        source = in_force.source;
      } else {
        try {
          policy = load_access_policy(*file);
        } catch (const PolicyError& e) {
          throw CommandError(kExitBadInput, e.what());
        }
        // The service's own check of a policy against this config's devices
        // (a card+face door with no [reader] cannot open at all).
        if (auto problem = policy_device_problem(policy, c))
          throw CommandError(kExitBadInput, *file + ": " + *problem + " in " + c.file.string());
      }
      LocalTime when;
      std::string zone;
      if (!at->empty()) {
        when = parse_local_time(*at);
        zone = "as given";
      } else {
        const LocalClock clock(c.time_zone);
        when = clock.now();
        zone = clock.zone_name();
      }
      std::printf("%s: valid (version %s)\n", source.c_str(), policy.version.empty() ? "none" : policy.version.c_str());
      for (const auto& [name, profile] : policy.profiles) {
        std::printf("profile %s\n", name.c_str());
        for (int d = 1; d <= 7; ++d) std::printf("  %-9s %s\n", kDayNames[d % 7], segments_text(profile.week[d % 7]).c_str());
        for (const auto& h : profile.holidays)
          std::printf("  holiday %s..%s %s\n", date::format("%F", date::sys_days(h.from)).c_str(),
                      date::format("%F", date::sys_days(h.to)).c_str(), segments_text(h.segments).c_str());
      }
      const auto hhmm = fmt::format("{} {:02}:{:02}", date::format("%F", date::sys_days(when.day)), when.minute / 60, when.minute % 60);
      std::printf("at %s (%s, %s):\n", hhmm.c_str(), zone.c_str(), kDayNames[when.weekday().c_encoding()]);
      std::printf("  door mode  %s\n", to_string(policy.mode_at(when, c.pipeline.access.mode)));
      std::string door = "locked (opens for whom the mode admits)";
      for (const auto& rule : policy.door_unlocked) {
        const auto left = policy.profiles.at(rule.profile).holds_for(when);
        if (left.count() <= 0) continue;
        door = rule.first_in ? fmt::format("unlocked once a member of {} is granted, for {} (profile {})",
                                           *rule.first_in, hours_minutes(left), rule.profile)
                             : fmt::format("kept unlocked for {} (profile {})", hours_minutes(left), rule.profile);
        break;
      }
      std::printf("  door       %s\n", door.c_str());
      for (const auto& [group, profile] : policy.group_profile) {
        const auto why = policy.refusal({group}, when);
        std::printf("  group %-16s %s (profile %s)\n", group.c_str(), why ? "may not enter" : "may enter", profile.c_str());
      }
      return kExitOk;
    });
  });
}

}  // namespace portier
