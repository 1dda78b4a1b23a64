#include <thread>

#include "pipeline/tick_stage.h"

namespace portier {

void TickStage::run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done) {
  // Sleeps in short steps so that a stop is never waited on for long.
  constexpr auto kStep = std::chrono::milliseconds(50);
  auto waited = std::chrono::milliseconds(0);
  while (!stop.load(std::memory_order_acquire) && !faces_done.load(std::memory_order_acquire)) {
    std::this_thread::sleep_for(kStep);
    waited += kStep;
    if (waited < every_) continue;
    waited = std::chrono::milliseconds(0);
    auto tick = std::make_unique<ActInput>();
    out_.try_push(tick);  // a full queue already wakes the act stage
  }
  out_.producer_done();
}

}  // namespace portier
