#pragma once

#include <chrono>

namespace portier {

// The door strike. pulse() returns at once: the driver times the hold, so a
// decision never waits for a door to close.
class Relay {
 public:
  virtual ~Relay() = default;
  virtual void pulse(std::chrono::milliseconds hold) = 0;
  // De-energise now (shutdown): the door returns to its unpowered state.
  virtual void release() = 0;
};

}  // namespace portier
