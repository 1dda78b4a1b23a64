// The credential stage alone: what the reader gives reaches the act stage's
// queue, a reader that cannot be read is reported once and retried, and
// nothing read is lost between.
#include "pipeline/credential_stage.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/fakes/recording_sink.h"
#include "tests/fakes/scripted_reader.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
using test::card_at;
using test::ScriptedReader;

TEST(CredentialStage, CardsReachTheQueueAndAReaderThatGoesAwayIsReportedOnceAndRetried) {
  const ReaderResult gone{std::nullopt, "no such device", {}};
  ScriptedReader reader({card_at(0ms, "1001"), {50ms, gone}, {60ms, gone}, card_at(800ms, "2002")});
  test::RecordingSink alerts;
  BoundedQueue<ActInput> out(64);
  CredentialStage stage(reader, alerts, "door", out);
  std::atomic<bool> stop{false}, faces_done{false};
  std::thread runner([&] { stage.run(stop, faces_done); });

  std::vector<std::string> cards;
  int ticks = 0;
  const auto give_up = Clock::now() + 10s;
  while (cards.size() < 2 && Clock::now() < give_up) {
    auto input = out.pop();
    if (!input) break;  // ended early: the checks below say what is missing
    if (input->credential) cards.push_back(input->credential->value);
    else ++ticks;
  }
  stop = true;
  while (out.pop()) {
  }
  runner.join();

  EXPECT_EQ(cards, (std::vector<std::string>{"1001", "2002"})) << "nothing read is lost across the outage";
  EXPECT_EQ(stage.credentials(), 2u);
  EXPECT_GT(ticks, 0) << "while the reader is away, ticks keep waiting credentials expiring on time";
  const auto down = alerts.alerts_named("reader_down");
  ASSERT_EQ(down.size(), 1u) << "reported once, however often the retry fails";
  EXPECT_EQ(down[0].detail, "no such device");
  EXPECT_EQ(alerts.alerts_named("reader_up").size(), 1u);
}

TEST(CredentialStage, TheEndOfTheFacesEndsItAndClosesTheQueue) {
  ScriptedReader reader({});
  test::RecordingSink alerts;
  BoundedQueue<ActInput> out(8);
  CredentialStage stage(reader, alerts, "door", out);
  std::atomic<bool> stop{false}, faces_done{true};
  stage.run(stop, faces_done);
  EXPECT_EQ(out.pop(), nullptr) << "the queue is closed: the act stage sees the end";
}

}  // namespace
}  // namespace portier
