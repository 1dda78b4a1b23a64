#pragma once

#include <atomic>
#include <chrono>

#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"

namespace portier {

// Wakes the act stage on the clock when nothing else would (no reader, no
// face): the access policy changes the door's mode and unlocks it by the
// time of day, not by visitors.
class TickStage {
 public:
  TickStage(BoundedQueue<ActInput>& out, std::chrono::milliseconds every) : out_(out), every_(every) {}
  void run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done);

 private:
  BoundedQueue<ActInput>& out_;
  std::chrono::milliseconds every_;
};

}  // namespace portier
