#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hal/gpio_chip.h"
#include "hal/indicator.h"
#include "hal/relay.h"

namespace portier {

// GPIO offsets on the chip, and whether each line is active-low. Inputs:
// the door contact is "active" while the door is open; the exit button while
// pressed (buttons usually pull to ground, hence active-low by default).
struct DoorWiring {
  unsigned relay = 17;
  bool relay_active_low = false;
  std::optional<unsigned> contact;
  bool contact_active_low = false;
  std::optional<unsigned> exit_button;
  bool exit_active_low = true;
  std::optional<unsigned> green_led;
  std::optional<unsigned> red_led;
  std::optional<unsigned> buzzer;
};

struct DoorTimings {
  std::chrono::milliseconds exit_hold{5000};   // unlock time for the request-to-exit button
  std::chrono::milliseconds held_open{30000};  // open longer than this raises door_held_open
  std::chrono::milliseconds grace{2000};       // an opening this soon after an unlock is not forced
  std::chrono::milliseconds poll{20};          // input sampling (also debounces the button)
};

// kind: door_forced, door_held_open, door_closed, exit_request.
using DoorAlertHandler = std::function<void(const std::string& kind, const std::string& detail)>;
// Every change of the door contact (true: open), for the reported door state.
using DoorContactHandler = std::function<void(bool open)>;

// The door on GPIO: the strike relay, the contact, the exit button and the
// visitor cues. One thread samples the inputs and times the outputs, so
// pulse() and show() return at once. The relay is energised only while this
// object holds its line: on shutdown, crash or kill the kernel releases it
// and the strike returns to its unpowered state (see docs/installing.md for
// fail-secure and fail-safe wiring).
class GpioDoor final : public Relay, public Indicator {
 public:
  // Requests every configured line; throws std::runtime_error naming the
  // line that cannot be had (missing, or held by another process).
  GpioDoor(GpioChip& chip, DoorWiring wiring, DoorTimings timings, DoorAlertHandler on_alert,
           DoorContactHandler on_contact = {});
  // The contact's state now; std::nullopt when no contact is wired.
  std::optional<bool> door_open() const;
  ~GpioDoor() override;

  void pulse(std::chrono::milliseconds hold) override;
  void release() override;
  void show(Cue cue) override;
  void prompt(Prompt awaited, std::chrono::milliseconds up_to) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Step {
    Clock::time_point at;
    OutputLine* line;
    bool active;
  };
  void run();
  void schedule(OutputLine* line, const std::vector<std::pair<int, bool>>& pattern_ms);
  void sample_inputs(Clock::time_point now, std::vector<std::pair<std::string, std::string>>& alerts);

  DoorWiring wiring_;
  DoorTimings timings_;
  DoorAlertHandler on_alert_;
  DoorContactHandler on_contact_;
  std::unique_ptr<OutputLine> relay_, green_, red_, buzzer_;
  std::unique_ptr<InputLine> contact_, exit_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<Clock::time_point> unlocked_until_;  // guarded by mutex_
  std::vector<Step> steps_;                          // guarded by mutex_
  std::atomic<bool> contact_open_{false};  // door_open_, published for other threads
  // Input state, touched by the worker thread only.
  bool door_open_ = false;
  bool held_alarm_ = false;
  bool exit_pressed_ = false;
  Clock::time_point opened_at_{};
  std::thread worker_;
};

}  // namespace portier
