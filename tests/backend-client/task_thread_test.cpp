#include "backend-client/task_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <vector>

namespace portier {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Posts a task that fulfils the promise, and waits for it: everything posted
// before it that was due has run.
void settle(TaskThread& tasks) {
  std::promise<void> done;
  tasks.post([&] { done.set_value(); });
  ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
}

TEST(TaskThread, RunsTasksOneAtATimeInTheOrderPosted) {
  TaskThread tasks("test");
  std::vector<int> order;  // only the task thread writes it
  for (int i = 0; i < 100; ++i) tasks.post([&order, i] { order.push_back(i); });
  tasks.start();  // posted before the start: they wait for it
  settle(tasks);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
}

TEST(TaskThread, ATimedTaskWaitsForItsTimeAndHoldsNothingBack) {
  TaskThread tasks("test");
  tasks.start();
  std::vector<std::string> order;
  const auto posted = Clock::now();
  Clock::time_point ran_at{};
  std::promise<void> later_ran;
  tasks.post(
      [&] {
        order.push_back("later");
        ran_at = Clock::now();
        later_ran.set_value();
      },
      posted + 200ms);
  tasks.post([&] { order.push_back("now"); });
  ASSERT_EQ(later_ran.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_GE(ran_at - posted, 200ms);
  EXPECT_EQ(order, (std::vector<std::string>{"now", "later"}));
}

TEST(TaskThread, ATaskThatThrowsIsLoggedAndTheNextRuns) {
  TaskThread tasks("test");
  tasks.start();
  std::atomic<bool> next{false};
  tasks.post([] { throw std::runtime_error("broken"); });
  tasks.post([&] { next = true; });
  settle(tasks);
  EXPECT_TRUE(next.load());
}

TEST(TaskThread, StopLeavesTasksNotYetDueForTheNextStart) {
  TaskThread tasks("test");
  tasks.start();
  std::atomic<int> ran{0};
  tasks.post([&] { ++ran; }, Clock::now() + 300ms);
  tasks.stop();  // returns at once, with the timed task still waiting
  EXPECT_EQ(ran.load(), 0);
  tasks.start();
  std::this_thread::sleep_for(400ms);
  settle(tasks);
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace portier
