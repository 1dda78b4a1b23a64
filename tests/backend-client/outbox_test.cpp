#include "backend-client/outbox.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace portier {
namespace {

std::string event(int n) { return nlohmann::json{{"id", "e" + std::to_string(n)}, {"n", n}}.dump(); }

TEST(Outbox, HandsOutEventsInOrderWithTheirSequenceNumber) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"http"}, 1000);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(outbox.append("e" + std::to_string(i), "access", event(i)), Outbox::Append::Stored);
  const auto rows = outbox.pending("http", 3);
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, "e" + std::to_string(i));
    const auto body = nlohmann::json::parse(rows[i].body);
    EXPECT_EQ(body["seq"], rows[i].seq) << "receivers order by it";
    EXPECT_EQ(body["n"], static_cast<int>(i));
    if (i > 0) {
      EXPECT_GT(rows[i].seq, rows[i - 1].seq);
    }
  }
}

TEST(Outbox, AnEventLeavesOnlyWhenEverySinkHasIt) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"http", "mqtt"}, 1000);
  for (int i = 0; i < 4; ++i) outbox.append("e" + std::to_string(i), "access", event(i));
  const auto rows = outbox.pending("http", 10);
  outbox.acknowledge("http", rows[3].seq);
  EXPECT_TRUE(outbox.pending("http", 10).empty());
  EXPECT_EQ(outbox.pending("mqtt", 10).size(), 4u) << "mqtt has not had them";
  EXPECT_EQ(outbox.size(), 4);
  outbox.acknowledge("mqtt", rows[1].seq);
  EXPECT_EQ(outbox.size(), 2) << "the first two are everywhere now";
  EXPECT_EQ(outbox.backlog("mqtt"), 2);
  EXPECT_EQ(outbox.backlog("http"), 0);
}

TEST(Outbox, SurvivesAReopenWithEveryUnacknowledgedEvent) {
  test::TempDir dir;
  {
    Outbox outbox(dir / "o.db", {"http"}, 1000);
    for (int i = 0; i < 3; ++i) outbox.append("e" + std::to_string(i), "alert", event(i));
    outbox.acknowledge("http", outbox.pending("http", 1).front().seq);
  }
  Outbox again(dir / "o.db", {"http"}, 1000);
  const auto rows = again.pending("http", 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "e1");
  EXPECT_EQ(rows[0].kind, "alert");
  again.append("e3", "access", event(3));
  EXPECT_GT(again.pending("http", 10).back().seq, rows.back().seq) << "sequence numbers are never reused";
}

TEST(Outbox, TheSameEventTwiceIsStoredOnce) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"http"}, 1000);
  outbox.append("e1", "access", event(1));
  outbox.append("e1", "access", event(1));
  EXPECT_EQ(outbox.pending("http", 10).size(), 1u);
}

TEST(Outbox, AtTheCapNewEventsAreRefusedAndNoneDropped) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"http"}, 3);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(outbox.append("e" + std::to_string(i), "access", event(i)), Outbox::Append::Stored);
  EXPECT_EQ(outbox.append("e3", "access", event(3)), Outbox::Append::Full);
  EXPECT_EQ(outbox.append("alert", "alert", event(9), 1), Outbox::Append::Stored) << "the reserve lets the alert in";
  const auto rows = outbox.pending("http", 10);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].id, "e0") << "the oldest is still there";
  outbox.acknowledge("http", rows[1].seq);
  EXPECT_EQ(outbox.append("e4", "access", event(4)), Outbox::Append::Stored) << "room again";
}

TEST(Outbox, TheOverflowRecordSurvivesAReopenAndEndsOnce) {
  test::TempDir dir;
  {
    Outbox outbox(dir / "o.db", {"http"}, 2);
    ASSERT_EQ(outbox.append("e0", "access", event(0)), Outbox::Append::Stored);
    ASSERT_EQ(outbox.append("e1", "access", event(1)), Outbox::Append::Stored);
    EXPECT_FALSE(outbox.append_overflow_alert("full", event(8), 1)) << "no overflow yet";
    EXPECT_EQ(outbox.append("e2", "access", event(2)), Outbox::Append::Full);
    EXPECT_EQ(outbox.append("e3", "access", event(3)), Outbox::Append::Full);
    EXPECT_TRUE(outbox.append_overflow_alert("full", event(8), 1));
    EXPECT_FALSE(outbox.append_overflow_alert("full-again", event(8), 1)) << "one alert an overflow";
  }
  Outbox outbox(dir / "o.db", {"http"}, 2);
  EXPECT_EQ(outbox.overflow().refused, 2);
  EXPECT_TRUE(outbox.overflow().alerted);
  auto make = [](std::int64_t n) { return std::pair(std::string("recovered"), event(static_cast<int>(n))); };
  EXPECT_FALSE(outbox.end_overflow(2, make)) << "3 events wait: no room yet";
  outbox.acknowledge("http", outbox.pending("http", 10).back().seq);
  const auto refused = outbox.end_overflow(2, make);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, 2);
  EXPECT_EQ(outbox.overflow().refused, 0);
  EXPECT_FALSE(outbox.end_overflow(2, make)) << "ended once";
  const auto rows = outbox.pending("http", 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, "recovered");
}

TEST(Outbox, ASinkNoLongerConfiguredHoldsNothingBack) {
  test::TempDir dir;
  {
    Outbox outbox(dir / "o.db", {"http", "mqtt"}, 1000);
    outbox.append("e0", "access", event(0));
  }
  Outbox http_only(dir / "o.db", {"http"}, 1000);
  http_only.acknowledge("http", http_only.pending("http", 1).front().seq);
  EXPECT_EQ(http_only.size(), 0);
}

TEST(Outbox, AFileThatIsNotADatabaseIsNamed) {
  test::TempDir dir;
  test::write_file(dir / "o.db", "this is not sqlite, and it is long enough to have a header of sorts......");
  try {
    Outbox outbox(dir / "o.db", {"http"}, 10);
    FAIL();
  } catch (const OutboxError& e) {
    EXPECT_NE(std::string(e.what()).find("not a portier outbox"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace portier
