#include "hal/simulated_relay.h"

#include <spdlog/spdlog.h>

namespace portier {

void SimulatedRelay::pulse(std::chrono::milliseconds hold) {
  std::lock_guard lock(mutex_);
  pulses_.push_back({std::chrono::steady_clock::now(), hold});
  released_ = false;
  spdlog::info("relay (simulated): energised for {} ms", hold.count());
}

void SimulatedRelay::release() {
  std::lock_guard lock(mutex_);
  released_ = true;
  spdlog::debug("relay (simulated): released");
}

std::vector<SimulatedRelay::Pulse> SimulatedRelay::pulses() const {
  std::lock_guard lock(mutex_);
  return pulses_;
}

bool SimulatedRelay::energised() const {
  std::lock_guard lock(mutex_);
  if (released_ || pulses_.empty()) return false;
  return std::chrono::steady_clock::now() < pulses_.back().at + pulses_.back().hold;
}

}  // namespace portier
