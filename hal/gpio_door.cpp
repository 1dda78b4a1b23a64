#include "hal/gpio_door.h"

#include <algorithm>

namespace portier {

GpioDoor::GpioDoor(GpioChip& chip, DoorWiring wiring, DoorTimings timings, DoorAlertHandler on_alert,
                   DoorContactHandler on_contact)
    : wiring_(wiring), timings_(timings), on_alert_(std::move(on_alert)), on_contact_(std::move(on_contact)) {
  relay_ = chip.request_output(wiring_.relay, wiring_.relay_active_low, false, "relay");
  if (wiring_.green_led) green_ = chip.request_output(*wiring_.green_led, false, false, "green LED");
  if (wiring_.red_led) red_ = chip.request_output(*wiring_.red_led, false, false, "red LED");
  if (wiring_.buzzer) buzzer_ = chip.request_output(*wiring_.buzzer, false, false, "buzzer");
  if (wiring_.contact)
    contact_ = chip.request_input(*wiring_.contact, wiring_.contact_active_low, Bias::AsIs, "door contact");
  if (wiring_.exit_button)
    exit_ = chip.request_input(*wiring_.exit_button, wiring_.exit_active_low,
                               wiring_.exit_active_low ? Bias::PullUp : Bias::PullDown, "exit button");
  // Start from the inputs' present state: a door already open or a button
  // already held at start-up is not an event.
  if (contact_) door_open_ = contact_->get();
  contact_open_.store(door_open_, std::memory_order_release);
  if (exit_) exit_pressed_ = exit_->get();
  worker_ = std::thread([this] { run(); });
}

GpioDoor::~GpioDoor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  worker_.join();
  relay_->set(false);
  for (auto* line : {green_.get(), red_.get(), buzzer_.get()})
    if (line) line->set(false);
}

void GpioDoor::pulse(std::chrono::milliseconds hold) {
  {
    std::lock_guard lock(mutex_);
    const auto until = Clock::now() + hold;
    unlocked_until_ = std::max(unlocked_until_.value_or(until), until);
    relay_->set(true);
  }
  wake_.notify_all();
}

void GpioDoor::release() {
  std::lock_guard lock(mutex_);
  unlocked_until_.reset();
  relay_->set(false);
}

// Steps relative to now: {ms, active}. Later calls replace pending steps of
// the same line, so a new cue cuts the old one short.
void GpioDoor::schedule(OutputLine* line, const std::vector<std::pair<int, bool>>& pattern_ms) {
  if (!line) return;
  const auto now = Clock::now();
  std::erase_if(steps_, [&](const Step& s) { return s.line == line; });
  for (const auto& [ms, active] : pattern_ms) steps_.push_back({now + std::chrono::milliseconds(ms), line, active});
}

std::optional<bool> GpioDoor::door_open() const {
  if (!contact_) return std::nullopt;
  return contact_open_.load(std::memory_order_acquire);
}

void GpioDoor::show(Cue cue) {
  {
    std::lock_guard lock(mutex_);
    if (cue == Cue::Granted) {
      schedule(red_.get(), {{0, false}});
      schedule(green_.get(), {{0, true}, {3000, false}});
      schedule(buzzer_.get(), {{0, true}, {1000, false}});
    } else {
      schedule(green_.get(), {{0, false}});
      schedule(red_.get(), {{0, true}, {3000, false}});
      schedule(buzzer_.get(), {{0, true}, {150, false}, {300, true}, {450, false}, {600, true}, {750, false}});
    }
  }
  wake_.notify_all();
}

void GpioDoor::prompt(Prompt awaited, std::chrono::milliseconds up_to) {
  // Blinks at 2 Hz for the wait, so the visitor knows the door has seen the
  // first credential and wants the second; the next cue cuts it short.
  constexpr int kHalfPeriodMs = 250;
  std::vector<std::pair<int, bool>> green, red{{0, false}};
  const int end = static_cast<int>(up_to.count());
  for (int t = 0; t < end; t += 2 * kHalfPeriodMs) {
    green.emplace_back(t, true);
    green.emplace_back(t + kHalfPeriodMs, false);
    if (awaited == Prompt::Face) {
      red.emplace_back(t, false);
      red.emplace_back(t + kHalfPeriodMs, true);
    } else if (awaited == Prompt::Pin) {  // both together: amber on a bicolour LED
      red.emplace_back(t, true);
      red.emplace_back(t + kHalfPeriodMs, false);
    }
  }
  red.emplace_back(end, false);
  green.emplace_back(end, false);
  {
    std::lock_guard lock(mutex_);
    schedule(green_.get(), green);
    schedule(red_.get(), red);
    schedule(buzzer_.get(), {{0, true}, {100, false}});
  }
  wake_.notify_all();
}

void GpioDoor::sample_inputs(Clock::time_point now, std::vector<std::pair<std::string, std::string>>& alerts) {
  if (contact_) {
    const bool open = contact_->get();
    if (open && !door_open_) {
      opened_at_ = now;
      held_alarm_ = false;
      std::lock_guard lock(mutex_);
      const bool authorised = unlocked_until_ && now <= *unlocked_until_ + timings_.grace;
      if (!authorised) alerts.emplace_back("door_forced", "door opened without an unlock");
    }
    if (open && !held_alarm_ && now - opened_at_ > timings_.held_open) {
      held_alarm_ = true;
      alerts.emplace_back("door_held_open", "door open for more than " +
                                                std::to_string(timings_.held_open.count() / 1000) + " s");
    }
    if (!open && door_open_ && held_alarm_) alerts.emplace_back("door_closed", "door closed after being held open");
    if (open != door_open_) {
      contact_open_.store(open, std::memory_order_release);
      if (on_contact_) on_contact_(open);
    }
    door_open_ = open;
  }
  if (exit_) {
    const bool pressed = exit_->get();
    if (pressed && !exit_pressed_) {
      alerts.emplace_back("exit_request", "exit button pressed");
      std::lock_guard lock(mutex_);
      const auto until = now + timings_.exit_hold;
      unlocked_until_ = std::max(unlocked_until_.value_or(until), until);
      relay_->set(true);
    }
    exit_pressed_ = pressed;
  }
}

void GpioDoor::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const auto now = Clock::now();
    if (unlocked_until_ && now >= *unlocked_until_) {
      unlocked_until_.reset();
      relay_->set(false);
    }
    std::erase_if(steps_, [&](const Step& s) {
      if (s.at > now) return false;
      s.line->set(s.active);
      return true;
    });
    lock.unlock();
    std::vector<std::pair<std::string, std::string>> alerts;
    sample_inputs(now, alerts);
    for (const auto& [kind, detail] : alerts)
      if (on_alert_) on_alert_(kind, detail);
    lock.lock();
    wake_.wait_for(lock, timings_.poll, [&] { return stop_; });
  }
}

}  // namespace portier
