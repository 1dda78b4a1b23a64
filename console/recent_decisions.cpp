#include "console/door_console.h"

namespace portier {

void RecentDecisions::publish(const AccessEvent& event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_front(event);
    if (events_.size() > keep_) events_.pop_back();
  }
  next_.publish(event);
}

std::vector<AccessEvent> RecentDecisions::newest_first() const {
  std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

}  // namespace portier
