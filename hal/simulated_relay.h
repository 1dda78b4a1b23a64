#pragma once

#include <mutex>
#include <vector>

#include "hal/relay.h"

namespace portier {

// Stands in for the GPIO relay on machines without one: logs every pulse and
// keeps a record of them for tests and the benchmark.
class SimulatedRelay final : public Relay {
 public:
  struct Pulse {
    std::chrono::steady_clock::time_point at;
    std::chrono::milliseconds hold;
  };

  void pulse(std::chrono::milliseconds hold) override;
  void release() override;

  std::vector<Pulse> pulses() const;
  bool energised() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Pulse> pulses_;
  bool released_ = false;
};

}  // namespace portier
