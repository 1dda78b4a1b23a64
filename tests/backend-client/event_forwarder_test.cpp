// The sender loop with a scripted destination: order, partial
// acknowledgements, retries after failures, and a stop that keeps the rest.
#include "backend-client/event_forwarder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Takes at most `accept` events a call; fails while `down`.
struct Destination {
  std::mutex mutex;
  std::vector<std::string> received;
  std::atomic<bool> down{false};
  std::atomic<size_t> accept{1000};
  std::atomic<int> calls{0};
  EventForwarder::Send send() {
    return [this](const std::vector<OutboxRow>& batch) -> std::variant<size_t, std::string> {
      ++calls;
      if (down) return std::string("destination down");
      const size_t n = std::min(accept.load(), batch.size());
      std::lock_guard lock(mutex);
      for (size_t i = 0; i < n; ++i) received.push_back(batch[i].id);
      return n;
    };
  }
  std::vector<std::string> got() {
    std::lock_guard lock(mutex);
    return received;
  }
};

std::string body(int i) { return nlohmann::json{{"id", std::to_string(i)}}.dump(); }

TEST(EventForwarder, DeliversInOrderWhileEventsKeepComing) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"x"}, 100000);
  Destination d;
  d.accept = 7;  // partial acknowledgements: the rest of each batch goes again
  EventForwarder f(outbox, "x", 20, d.send(), 1ms, 10ms);
  f.start();
  std::vector<std::string> sent;
  for (int i = 0; i < 300; ++i) {
    outbox.append(std::to_string(i), "access", body(i));
    sent.push_back(std::to_string(i));
    f.wake();
  }
  ASSERT_TRUE(eventually([&] { return d.got().size() == sent.size(); }, 20s)) << d.got().size();
  EXPECT_EQ(d.got(), sent);
  EXPECT_EQ(outbox.size(), 0);
  f.stop();
}

TEST(EventForwarder, RetriesAfterAnOutageWithoutLosingOrRepeatingAcknowledgedEvents) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"x"}, 100000);
  Destination d;
  d.down = true;
  EventForwarder f(outbox, "x", 50, d.send(), 1ms, 20ms);
  f.start();
  for (int i = 0; i < 40; ++i) outbox.append(std::to_string(i), "access", body(i));
  f.wake();
  ASSERT_TRUE(eventually([&] { return d.calls > 3; }, 5s)) << "it keeps trying";
  EXPECT_FALSE(f.healthy());
  EXPECT_EQ(f.last_error(), "destination down");
  EXPECT_EQ(outbox.size(), 40);
  d.down = false;
  ASSERT_TRUE(eventually([&] { return d.got().size() == 40; }, 5s));
  // Healthy once the batch is acknowledged, a moment after the destination has it.
  EXPECT_TRUE(eventually([&] { return f.healthy() && outbox.size() == 0; }, 5s));
  EXPECT_EQ(d.got().front(), "0");
  EXPECT_EQ(d.got().back(), "39");
  f.stop();
}

TEST(EventForwarder, StopLeavesTheUndeliveredInTheOutbox) {
  test::TempDir dir;
  Outbox outbox(dir / "o.db", {"x"}, 100000);
  Destination d;
  d.down = true;
  EventForwarder f(outbox, "x", 50, d.send(), 1ms, 5ms);
  f.start();
  for (int i = 0; i < 10; ++i) outbox.append(std::to_string(i), "access", body(i));
  f.wake();
  std::this_thread::sleep_for(50ms);
  f.stop();
  EXPECT_EQ(outbox.size(), 10);
}

}  // namespace
}  // namespace portier
