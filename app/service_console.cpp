#include "app/service_console.h"

namespace portier {

ConsoleStatus ServiceConsole::status() {
  ConsoleStatus s;
  s.device_id = parts_.device_id;
  s.version = parts_.version;
  s.mode = parts_.mode();
  s.face_access_armed = parts_.armed();
  s.door_open = parts_.door_open();
  parts_.counters(s.captured, s.dropped, s.decisions, s.granted);
  const auto now = std::chrono::steady_clock::now();
  s.uptime_s = std::chrono::duration<double>(now - started_).count();
  {
    // Frames per second over the time since the last look (at least a second).
    std::lock_guard lock(mutex_);
    const double since = std::chrono::duration<double>(now - rate_at_).count();
    if (rate_at_ == std::chrono::steady_clock::time_point{}) {
      fps_ = s.uptime_s > 0 ? static_cast<double>(s.captured) / s.uptime_s : 0;
      rate_at_ = now, rate_captured_ = s.captured;
    } else if (since >= 1.0) {
      fps_ = static_cast<double>(s.captured - rate_captured_) / since;
      rate_at_ = now, rate_captured_ = s.captured;
    }
    s.fps = fps_;
  }
  if (parts_.links) parts_.links(s);
  if (parts_.recent) s.recent = parts_.recent->newest_first();
  return s;
}

}  // namespace portier
