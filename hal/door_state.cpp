#include "hal/door_state.h"

#include <algorithm>

namespace portier {

void DoorState::unlocked_for(std::chrono::milliseconds hold) {
  std::lock_guard lock(mutex_);
  const auto until = Clock::now() + hold;
  unlocked_until_ = std::max(unlocked_until_, until);
  tell(until);
}

void DoorState::set_door_open(bool open) {
  std::lock_guard lock(mutex_);
  door_open_ = open;
  tell(std::nullopt);
}

bool DoorState::unlocked() const {
  std::lock_guard lock(mutex_);
  return Clock::now() < unlocked_until_;
}

std::optional<bool> DoorState::door_open() const {
  std::lock_guard lock(mutex_);
  return door_open_;
}

void DoorState::listen(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

// Under the lock, so that listen() can promise the old listener is done.
void DoorState::tell(std::optional<Clock::time_point> relocks_at) {
  if (listener_) listener_(relocks_at);
}

}  // namespace portier
