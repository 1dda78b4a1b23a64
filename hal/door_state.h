// What the door is doing now, as far as the service drove and sensed it:
// unlocked until when (every pulse of the relay and every exit-button press
// extend it) and the door contact. One record, which the backend link
// publishes (the retained door state) and the console shows; before it
// there were two trackers, one each, that could disagree.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace portier {

class DoorState {
 public:
  using Clock = std::chrono::steady_clock;
  // Told after every change, on the thread that made it, with the time the
  // strike locks again when the change was an unlock. Must not block: the
  // backend link posts its publication to its task thread.
  using Listener = std::function<void(std::optional<Clock::time_point> relocks_at)>;

  void unlocked_for(std::chrono::milliseconds hold);
  void set_door_open(bool open);
  bool unlocked() const;
  std::optional<bool> door_open() const;  // none: no contact wired, or not read yet

  // One listener; an empty one stops the telling. Once this returns, the
  // listener before is not running and will not be called again.
  void listen(Listener listener);

 private:
  void tell(std::optional<Clock::time_point> relocks_at);  // mutex_ held

  mutable std::mutex mutex_;
  Clock::time_point unlocked_until_{};
  std::optional<bool> door_open_;
  Listener listener_;
};

}  // namespace portier
