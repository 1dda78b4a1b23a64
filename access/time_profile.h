// When a door admits: named time profiles (a week plan of up to 8 segments a
// day, plus holidays that replace the weekday's segments), evaluated on the
// door's civil time. Pure: the time zone is applied before (local_clock.h).
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

namespace portier {

// [begin, end) in minutes after midnight; end may be 1440 ("24:00"). A
// segment never wraps midnight: 22:00-06:00 is written 22:00-24:00 and
// 00:00-06:00 (on the next day's plan).
struct TimeSegment {
  int begin = 0;
  int end = 0;
  bool operator==(const TimeSegment&) const = default;
};
constexpr size_t kMaxSegmentsPerDay = 8;

// "HH:MM-HH:MM". Returns the problem in words, or nothing.
std::optional<std::string> parse_segment(const std::string& text, TimeSegment& out);
std::string to_string(TimeSegment segment);
// "9 h 05 min": how long a window lasts, for people (seconds dropped).
std::string hours_minutes(std::chrono::seconds duration);

// A moment of the door's civil time.
struct LocalTime {
  LocalTime() = default;
  LocalTime(date::year_month_day d, int minute_of_day, int second_of_minute = 0)
      : day(d), minute(minute_of_day), second(second_of_minute) {}
  date::year_month_day day;
  int minute = 0;  // after midnight, 0..1439
  int second = 0;  // within the minute, 0..59
  date::weekday weekday() const { return date::weekday(date::sys_days(day)); }
};

struct HolidayRange {
  date::year_month_day from, to;  // both days included
  std::vector<TimeSegment> segments;  // empty: closed all day
};

struct TimeProfile {
  std::string name;
  std::array<std::vector<TimeSegment>, 7> week;  // by date::weekday::c_encoding(): Sunday first
  std::vector<HolidayRange> holidays;            // of the holiday groups it names, in their order
  // The segments that hold on `day`: the first holiday range containing it, else the weekday's.
  const std::vector<TimeSegment>& segments_on(date::year_month_day day) const;
  bool allows(const LocalTime& t) const;
  // How long from `t` the profile holds without a break, segments that touch
  // counted as one and a window ending at 24:00 continued into the next
  // day's first; zero when it does not hold at `t`.
  std::chrono::seconds holds_for(const LocalTime& t) const;
};

}  // namespace portier
