#include "hal/wiegand_decoder.h"

#include <gtest/gtest.h>

#include "tests/hal/wiegand_frames.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
using Nanos = std::chrono::nanoseconds;

// Feeds a frame's bits 2 ms apart from `start`, then the silence after it;
// returns what came out of the whole thing.
struct Feed {
  WiegandDecoder decoder;
  Nanos clock{1'000'000'000};
  std::vector<WiegandOutput> outputs;

  explicit Feed(WiegandOptions options = {}) : decoder(options) {}

  void bits(const std::vector<bool>& frame, Nanos spacing = 2ms) {
    for (bool b : frame) {
      keep(decoder.edge(b, clock));
      clock += spacing;
    }
  }
  void silence(Nanos how_long) {
    clock += how_long;
    keep(decoder.idle(clock));
  }
  void frame(const std::vector<bool>& f) {
    bits(f);
    silence(50ms);
  }
  void keep(WiegandOutput out) {
    if (out.credential || !out.fault.empty()) outputs.push_back(std::move(out));
  }
  std::vector<std::string> values() const {
    std::vector<std::string> v;
    for (const auto& o : outputs)
      if (o.credential) v.push_back(o.credential->value);
    return v;
  }
};

TEST(WiegandParity, TheStandardFormatsCheckBothHalves) {
  auto frame = test::wiegand_card_frame(26, 123, 45678);
  EXPECT_TRUE(wiegand_parity_ok(frame));
  frame[0] = !frame[0];
  EXPECT_FALSE(wiegand_parity_ok(frame));
  frame = test::wiegand_card_frame(34, 4000, 65535);
  EXPECT_TRUE(wiegand_parity_ok(frame));
  frame[33] = !frame[33];
  EXPECT_FALSE(wiegand_parity_ok(frame));
  EXPECT_FALSE(wiegand_parity_ok(test::bits_of(0, 30)));
}

TEST(WiegandDecoder, A26BitCardGivesFacilityTimes65536PlusCard) {
  Feed feed;
  feed.frame(test::wiegand_card_frame(26, 123, 45678));
  ASSERT_EQ(feed.values(), std::vector<std::string>{std::to_string(123 * 65536 + 45678)});
  EXPECT_EQ(feed.outputs[0].credential->kind, Credential::Kind::Card);
  EXPECT_EQ(feed.decoder.bad_frames(), 0u);
}

TEST(WiegandDecoder, TheFrameEndsOnlyAfterTheGap) {
  Feed feed;
  feed.bits(test::wiegand_card_frame(26, 1, 2));
  feed.silence(20ms);  // shorter than the 25 ms gap: the frame may go on
  EXPECT_TRUE(feed.outputs.empty());
  feed.silence(10ms);
  EXPECT_EQ(feed.values(), std::vector<std::string>{std::to_string(65536 + 2)});
}

TEST(WiegandDecoder, TwoFramesBackToBackAreSplitAtTheGap) {
  Feed feed;
  feed.bits(test::wiegand_card_frame(26, 7, 100));
  feed.clock += 40ms;
  feed.frame(test::wiegand_card_frame(26, 7, 101));
  EXPECT_EQ(feed.values(), (std::vector<std::string>{std::to_string(7 * 65536 + 100), std::to_string(7 * 65536 + 101)}));
}

TEST(WiegandDecoder, CardFieldHexAndDigitsShapeTheNumber) {
  WiegandOptions o;
  o.card_field_only = true;
  o.card_digits = 8;
  Feed a(o);
  a.frame(test::wiegand_card_frame(26, 200, 4567));
  EXPECT_EQ(a.values(), std::vector<std::string>{"00004567"});
  o = {};
  o.card_bits = 34;
  o.hex = true;
  Feed b(o);
  b.frame(test::wiegand_card_frame(34, 0xBEEF, 0x0ACE));
  EXPECT_EQ(b.values(), std::vector<std::string>{"BEEF0ACE"});
  o = {};
  o.card_digits = 3;  // cut to the last three
  Feed c(o);
  c.frame(test::wiegand_card_frame(26, 0, 12345));
  EXPECT_EQ(c.values(), std::vector<std::string>{"345"});
}

TEST(WiegandDecoder, ARawFormatTakesEveryBit) {
  WiegandOptions o;
  o.card_bits = 40;
  Feed feed(o);
  feed.frame(test::bits_of(0x12'3456'789A, 40));
  EXPECT_EQ(feed.values(), std::vector<std::string>{std::to_string(0x12'3456'789AULL)});
}

TEST(WiegandDecoder, ParityErrorsTruncatedFramesAndNoiseAreCountedAndDropped) {
  Feed feed;
  auto broken = test::wiegand_card_frame(26, 9, 999);
  broken[5] = !broken[5];  // one bit lost its way: parity catches it
  feed.frame(broken);
  auto truncated = test::wiegand_card_frame(26, 9, 999);
  truncated.resize(20);
  feed.frame(truncated);
  feed.frame({true});  // a spike on D1
  feed.frame(test::bits_of(0, 34));  // a 34-bit reader where 26 is configured
  EXPECT_TRUE(feed.values().empty());
  EXPECT_EQ(feed.decoder.bad_frames(), 4u);
  EXPECT_NE(feed.decoder.last_problem().find("34-bit"), std::string::npos);
  // A good card afterwards still reads.
  feed.frame(test::wiegand_card_frame(26, 9, 999));
  EXPECT_EQ(feed.values(), std::vector<std::string>{std::to_string(9 * 65536 + 999)});
}

TEST(WiegandDecoder, EndlessNoiseIsOneBadFrame) {
  Feed feed;
  feed.bits(std::vector<bool>(500, true), 100us);
  feed.silence(50ms);
  EXPECT_EQ(feed.decoder.bad_frames(), 1u);
  EXPECT_NE(feed.decoder.last_problem().find("more than 64"), std::string::npos);
}

TEST(WiegandDecoder, ABurstOfBadFramesRaisesOneFaultAndAQuietWindowRearmsIt) {
  WiegandOptions o;
  o.fault_frames = 3;
  o.fault_window = 10s;
  Feed feed(o);
  for (int i = 0; i < 6; ++i) feed.frame({true, false, true});
  ASSERT_EQ(feed.outputs.size(), 1u);
  EXPECT_FALSE(feed.outputs[0].credential);
  EXPECT_NE(feed.outputs[0].fault.find("3 bad Wiegand frames"), std::string::npos) << feed.outputs[0].fault;
  feed.clock += 30s;
  for (int i = 0; i < 3; ++i) feed.frame({true});
  EXPECT_EQ(feed.outputs.size(), 2u);
}

TEST(WiegandDecoder, KeysMakeAPinEndedByHashAndClearedByStar) {
  Feed feed;
  for (unsigned k : {1u, 2u, 10u, 4u, 2u, 4u, 2u, 11u}) feed.frame(test::bits_of(k, 4));  // 1 2 * 4 2 4 2 #
  ASSERT_EQ(feed.values(), std::vector<std::string>{"4242"});
  EXPECT_EQ(feed.outputs[0].credential->kind, Credential::Kind::Pin);
  for (unsigned k : {7u, 0u, 11u}) feed.frame(test::wiegand_key8(k));
  EXPECT_EQ(feed.values(), (std::vector<std::string>{"4242", "70"}));
  EXPECT_EQ(feed.decoder.bad_frames(), 0u);
}

TEST(WiegandDecoder, An8BitKeyWithABrokenCheckNibbleIsDropped) {
  Feed feed;
  feed.frame(test::bits_of(0x15, 8));  // high nibble 1 is not ~5
  feed.frame(test::bits_of(11, 4));
  EXPECT_TRUE(feed.values().empty());
  EXPECT_EQ(feed.decoder.bad_frames(), 1u);
}

TEST(WiegandDecoder, APinLeftUnfinishedExpires) {
  WiegandOptions o;
  o.entry_timeout = 5000ms;
  Feed feed(o);
  feed.frame(test::bits_of(9, 4));
  feed.frame(test::bits_of(9, 4));
  feed.clock += 6s;
  for (unsigned k : {1u, 11u}) feed.frame(test::bits_of(k, 4));
  EXPECT_EQ(feed.values(), std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace portier
