// Times in the gallery's columns: unix seconds, NULL for "open". Shared by
// the gallery's implementation files only.
#pragma once

#include <chrono>
#include <optional>

#include "access/sqlite_db.h"

namespace portier::gallery_time {

using TimePoint = std::chrono::system_clock::time_point;

inline std::optional<TimePoint> column(const SqliteStatement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  // Past 2262 the clock's nanoseconds overflow: such a time is never reached.
  const auto seconds = s.int64(column);
  if (seconds > 9'000'000'000) return TimePoint::max();
  return TimePoint(std::chrono::seconds(seconds));
}

inline void bind(SqliteStatement& s, int index, const std::optional<TimePoint>& t) {
  if (t) s.bind(index, static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count()));
  else s.bind_null(index);
}

}  // namespace portier::gallery_time
