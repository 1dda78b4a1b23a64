// What the console shows and does, as the program on top provides it: the
// console sees the door through this port and nothing else (no pipeline, no
// network), so it stays a layer of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/access_event.h"

namespace portier {

struct ConsoleStatus {
  std::string device_id, version, mode;  // mode: the verification mode in force
  bool face_access_armed = true;
  std::optional<bool> door_open;  // no contact wired: unknown
  std::uint64_t captured = 0, dropped = 0;
  size_t decisions = 0, granted = 0;
  double fps = 0;  // frames captured per second, lately
  double uptime_s = 0;
  std::vector<std::pair<std::string, std::string>> links;  // ("backend (HTTPS)", "delivering" / the error)
  std::optional<std::int64_t> outbox;                       // events some destination still lacks
  std::vector<AccessEvent> recent;                          // newest first
};

class DoorConsole {
 public:
  virtual ~DoorConsole() = default;
  virtual ConsoleStatus status() = 0;
  virtual void set_face_access(bool armed) = 0;
  virtual void unlock(std::chrono::milliseconds hold) = 0;  // one pulse of the strike
};

// Passes every event on to `next` and keeps the newest access events for the
// status page. Thread-safe.
class RecentDecisions final : public EventSink {
 public:
  RecentDecisions(EventSink& next, size_t keep = 20) : next_(next), keep_(keep) {}
  void publish(const AccessEvent& event) override;
  void publish(const AlertEvent& event) override { next_.publish(event); }
  std::vector<AccessEvent> newest_first() const;

 private:
  EventSink& next_;
  size_t keep_;
  mutable std::mutex mutex_;
  std::deque<AccessEvent> events_;
};

}  // namespace portier
