// An event sink that keeps what it was given, for a test to look at.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "access/access_event.h"

namespace portier::test {

class RecordingSink final : public EventSink {
 public:
  void publish(const AccessEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  void publish(const AlertEvent& alert) override {
    std::lock_guard lock(mutex_);
    alerts_.push_back(alert);
  }
  std::vector<AccessEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<AlertEvent> alerts() const {
    std::lock_guard lock(mutex_);
    return alerts_;
  }
  std::vector<AlertEvent> alerts_named(const std::string& kind) const {
    std::vector<AlertEvent> out;
    for (const auto& a : alerts())
      if (a.alert == kind) out.push_back(a);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<AccessEvent> events_;
  std::vector<AlertEvent> alerts_;
};

}  // namespace portier::test
