// The Wiegand reader over the fake GPIO chip: edges with synthetic kernel
// timestamps, as libgpiod delivers them, through the same interface.
#include "hal/wiegand_reader.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/hal/fake_gpio_chip.h"
#include "tests/hal/wiegand_frames.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

constexpr unsigned kD0 = 5, kD1 = 6;

struct Rig {
  test::FakeGpioChip* chip = nullptr;
  std::unique_ptr<CredentialReader> reader;
  explicit Rig(WiegandOptions format = {}) {
    auto owned = std::make_unique<test::FakeGpioChip>();
    chip = owned.get();
    reader = make_wiegand_reader(std::move(owned), {kD0, kD1, format});
  }
  // The frame's edges as the kernel would stamp them: 2 ms apart, ending now.
  void send(const std::vector<bool>& frame) {
    auto at = std::chrono::steady_clock::now().time_since_epoch() - frame.size() * 2ms;
    std::vector<std::pair<unsigned, std::chrono::nanoseconds>> edges;
    for (bool one : frame) {
      edges.emplace_back(one ? kD1 : kD0, at);
      at += 2ms;
    }
    chip->falling_edges(edges);
  }
  ReaderResult next(std::chrono::milliseconds within = 2000ms) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = reader->read(100ms);
      if (r.credential || !r.error.empty() || !r.fault.empty()) return r;
    }
    return {};
  }
};

TEST(WiegandReader, ACardOnTheLinesArrivesAsACredential) {
  Rig rig;
  EXPECT_TRUE(rig.reader->read(10ms).error.empty());  // requests the lines
  EXPECT_TRUE(rig.chip->requested(kD0));
  EXPECT_TRUE(rig.chip->requested(kD1));
  rig.send(test::wiegand_card_frame(26, 12, 3456));
  const auto r = rig.next();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->kind, Credential::Kind::Card);
  EXPECT_EQ(r.credential->value, std::to_string(12 * 65536 + 3456));
  EXPECT_NE(rig.reader->describe().find("D0 line 5"), std::string::npos);
}

TEST(WiegandReader, AFrameSentWhileTheReaderWaitsIsFinishedByTheGap) {
  Rig rig;
  EXPECT_TRUE(rig.reader->read(1ms).error.empty());
  std::thread sender([&] {
    std::this_thread::sleep_for(50ms);
    rig.send(test::wiegand_card_frame(26, 1, 1));
  });
  // One long read: the frame must come out ~25 ms after its last bit, not at the deadline.
  const auto started = std::chrono::steady_clock::now();
  const auto r = rig.reader->read(3000ms);
  const auto took = std::chrono::steady_clock::now() - started;
  sender.join();
  ASSERT_TRUE(r.credential);
  EXPECT_LT(took, 2000ms);
}

TEST(WiegandReader, KeypadKeysOnTheSameLinesGiveAPin) {
  Rig rig;
  for (unsigned k : {1u, 9u, 8u, 4u, 11u}) {
    rig.send(test::wiegand_key8(k));
    std::this_thread::sleep_for(60ms);  // a person types far slower than the gap
  }
  const auto r = rig.next();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->kind, Credential::Kind::Pin);
  EXPECT_EQ(r.credential->value, "1984");
}

TEST(WiegandReader, ABurstOfBadFramesIsReportedAsAFaultOnce) {
  WiegandOptions format;
  format.fault_frames = 3;
  Rig rig(format);
  for (int i = 0; i < 4; ++i) {
    auto frame = test::wiegand_card_frame(26, 3, 3);
    frame.resize(13);  // a loose D1 wire: frames arrive cut short
    rig.send(frame);
    std::this_thread::sleep_for(60ms);  // the frames must not run into each other
  }
  const auto r = rig.next();
  EXPECT_FALSE(r.credential);
  EXPECT_NE(r.fault.find("3 bad Wiegand frames"), std::string::npos) << r.fault;
  EXPECT_NE(r.fault.find("13-bit frame"), std::string::npos) << r.fault;
  EXPECT_TRUE(rig.next(200ms).fault.empty());
}

TEST(WiegandReader, LinesHeldElsewhereAreAnErrorAndRetriedOnTheNextRead) {
  Rig rig;
  rig.chip->hold_elsewhere(kD1);
  const auto first = rig.reader->read(10ms);
  EXPECT_NE(first.error.find("already used"), std::string::npos) << first.error;
  EXPECT_FALSE(rig.chip->requested(kD0)) << "a failed request must not keep D0";
}

TEST(WiegandReader, AFailedReadIsAnErrorAndTheLinesAreRequestedAgain) {
  Rig rig;
  EXPECT_TRUE(rig.reader->read(1ms).error.empty());
  rig.chip->fail_edges_once();
  const auto failed = rig.reader->read(100ms);
  EXPECT_NE(failed.error.find("fake edge read failed"), std::string::npos) << failed.error;
  EXPECT_FALSE(rig.chip->requested(kD0));
  rig.send(test::wiegand_card_frame(26, 2, 2));
  const auto r = rig.next();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->value, std::to_string(2 * 65536 + 2));
}

}  // namespace
}  // namespace portier
