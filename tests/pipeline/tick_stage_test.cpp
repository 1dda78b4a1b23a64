#include "pipeline/tick_stage.h"

#include <gtest/gtest.h>

#include <thread>

namespace portier {
namespace {

using namespace std::chrono_literals;

// The act stage is woken on the clock when nothing else would wake it; a
// stop ends the ticks and closes the queue.
TEST(TickStage, TicksUntilStoppedThenClosesTheQueue) {
  BoundedQueue<ActInput> out(4);
  TickStage stage(out, 100ms);
  std::atomic<bool> stop{false}, faces_done{false};
  std::thread runner([&] { stage.run(stop, faces_done); });
  auto tick = out.pop();
  ASSERT_TRUE(tick);
  EXPECT_FALSE(tick->face);
  EXPECT_FALSE(tick->credential) << "a tick carries nothing: it only wakes";
  stop = true;
  runner.join();
  while (out.try_pop()) {
  }
  EXPECT_EQ(out.pop(), nullptr) << "the queue is closed: the act stage sees the end";
}

}  // namespace
}  // namespace portier
