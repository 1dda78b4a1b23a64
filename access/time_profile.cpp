#include "access/time_profile.h"

#include <cstdio>

#include <fmt/format.h>

namespace portier {
namespace {

// "HH:MM" with 00 <= HH <= 24 and MM < 60; 24:00 only as an end.
std::optional<int> parse_clock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

std::optional<std::string> parse_segment(const std::string& text, TimeSegment& out) {
  const auto dash = text.find('-');
  const auto begin = dash == std::string::npos ? std::nullopt : parse_clock(text.substr(0, dash));
  const auto end = dash == std::string::npos ? std::nullopt : parse_clock(text.substr(dash + 1));
  if (!begin || !end) return "'" + text + "' is not a segment HH:MM-HH:MM (e.g. 07:00-19:00)";
  if (*begin == 1440) return "'" + text + "' begins at 24:00";
  if (*end == *begin) return "'" + text + "' is empty";
  if (*end < *begin)
    return "'" + text + "' wraps midnight: split it into " + text.substr(0, dash) + "-24:00 and 00:00-" +
           text.substr(dash + 1) + " (the next day)";
  out = {*begin, *end};
  return std::nullopt;
}

std::string to_string(TimeSegment s) {
  return fmt::format("{:02}:{:02}-{:02}:{:02}", s.begin / 60, s.begin % 60, s.end / 60, s.end % 60);
}

std::string hours_minutes(std::chrono::seconds duration) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(duration).count();
  return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

const std::vector<TimeSegment>& TimeProfile::segments_on(date::year_month_day day) const {
  const auto d = date::sys_days(day);
  for (const auto& h : holidays)
    if (date::sys_days(h.from) <= d && d <= date::sys_days(h.to)) return h.segments;
  return week[date::weekday(d).c_encoding()];
}

bool TimeProfile::allows(const LocalTime& t) const {
  for (const auto& s : segments_on(t.day))
    if (s.begin <= t.minute && t.minute < s.end) return true;
  return false;
}

std::chrono::seconds TimeProfile::holds_for(const LocalTime& t) const {
  auto day = t.day;
  int from = t.minute;
  int minutes = 0;
  for (int days = 0; days < 2; ++days) {  // today, and on past midnight once
    const auto& segments = segments_on(day);
    int reached = from;
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& s : segments)
        if (s.begin <= reached && reached < s.end) {
          reached = s.end;
          moved = true;
        }
    }
    minutes += reached - from;
    if (reached < 1440) break;
    day = date::year_month_day(date::sys_days(day) + date::days(1));
    from = 0;
  }
  if (minutes == 0) return std::chrono::seconds(0);
  return std::chrono::minutes(minutes) - std::chrono::seconds(t.second);
}

}  // namespace portier
