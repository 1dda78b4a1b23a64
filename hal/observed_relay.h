#pragma once

#include <functional>

#include "hal/relay.h"

namespace portier {

// A relay that tells someone each time it is driven: the backend link
// reports the lock's state whoever unlocks it (a grant, a remote unlock).
class ObservedRelay final : public Relay {
 public:
  using OnPulse = std::function<void(std::chrono::milliseconds hold)>;
  ObservedRelay(Relay& inner, OnPulse on_pulse) : inner_(inner), on_pulse_(std::move(on_pulse)) {}
  void pulse(std::chrono::milliseconds hold) override {
    inner_.pulse(hold);
    if (on_pulse_) on_pulse_(hold);
  }
  void release() override { inner_.release(); }

 private:
  Relay& inner_;
  OnPulse on_pulse_;
};

}  // namespace portier
