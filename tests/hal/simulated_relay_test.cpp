#include "hal/simulated_relay.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(SimulatedRelay, RecordsPulsesAndReleases) {
  SimulatedRelay relay;
  EXPECT_FALSE(relay.energised());
  relay.pulse(std::chrono::milliseconds(5000));
  EXPECT_TRUE(relay.energised());
  ASSERT_EQ(relay.pulses().size(), 1u);
  EXPECT_EQ(relay.pulses()[0].hold.count(), 5000);
  relay.release();
  EXPECT_FALSE(relay.energised()) << "release de-energises before the hold ends";
}

TEST(SimulatedRelay, AHoldEndsByItself) {
  SimulatedRelay relay;
  relay.pulse(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_FALSE(relay.energised());
}

}  // namespace
}  // namespace portier
