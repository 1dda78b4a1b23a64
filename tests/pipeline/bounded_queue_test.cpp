#include "pipeline/bounded_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace portier {
namespace {

struct Item {
  int producer = 0;
  int value = 0;
};

std::unique_ptr<Item> item(int value, int producer = 0) { return std::make_unique<Item>(Item{producer, value}); }

TEST(BoundedQueue, KeepsFifoOrder) {
  BoundedQueue<Item> q(8);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.push(item(i)));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(q.try_pop()->value, i);
  EXPECT_EQ(q.try_pop(), nullptr);
}

TEST(BoundedQueue, RefusesPastItsExactCapacity) {
  // The underlying ring rounds up to a power of two; the queue must not.
  BoundedQueue<Item> q(3);
  for (int i = 0; i < 3; ++i) {
    auto it = item(i);
    ASSERT_TRUE(q.try_push(it));
  }
  auto extra = item(99);
  EXPECT_FALSE(q.try_push(extra));
  ASSERT_NE(extra, nullptr) << "a refused item stays with the caller";
  EXPECT_EQ(extra->value, 99);
  q.try_pop();
  EXPECT_TRUE(q.try_push(extra));
}

TEST(BoundedQueue, ConsumerDrainsItemsInFlightAfterTheProducerIsDone) {
  BoundedQueue<Item> q(4);
  for (int i = 0; i < 4; ++i) q.push(item(i));
  q.producer_done();
  for (int i = 0; i < 4; ++i) {
    auto got = q.pop();
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->value, i);
  }
  EXPECT_EQ(q.pop(), nullptr);  // end of stream, not a hang
}

TEST(BoundedQueue, StreamEndsOnlyWhenEveryProducerIsDone) {
  BoundedQueue<Item> q(4, 2);
  q.producer_done();
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    q.push(item(7));
    q.producer_done();
  });
  auto got = q.pop();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->value, 7);
  EXPECT_EQ(q.pop(), nullptr);
  late.join();
}

TEST(BoundedQueue, BlockedPushResumesWhenRoomIsMade) {
  BoundedQueue<Item> q(1);
  q.push(item(1));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(item(2));
    pushed.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed.load()) << "push must wait while the queue is full";
  EXPECT_EQ(q.pop()->value, 1);
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.pop()->value, 2);
}

TEST(BoundedQueue, CloseReleasesWaitingProducersAndConsumers) {
  BoundedQueue<Item> full(1), empty(1);
  full.push(item(1));
  bool push_result = true;
  std::unique_ptr<Item> pop_result = item(0);
  std::thread producer([&] { push_result = full.push(item(2)); });
  std::thread consumer([&] { pop_result = empty.pop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  full.close();
  empty.close();
  producer.join();
  consumer.join();
  EXPECT_FALSE(push_result);
  EXPECT_EQ(pop_result, nullptr);
}

TEST(BoundedQueue, ManyProducersToOneConsumerKeepEachProducersOrder) {
  constexpr int kProducers = 3, kItems = 20000;
  BoundedQueue<Item> q(4, kProducers);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kItems; ++i) ASSERT_TRUE(q.push(item(i, p)));
      q.producer_done();
    });
  std::vector<int> next(kProducers, 0);
  while (auto got = q.pop()) {
    ASSERT_EQ(got->value, next[static_cast<size_t>(got->producer)]) << "producer " << got->producer;
    ++next[static_cast<size_t>(got->producer)];
  }
  for (auto& t : producers) t.join();
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[static_cast<size_t>(p)], kItems);
}

TEST(BoundedQueue, ManyProducersAndConsumersLoseAndDuplicateNothing) {
  constexpr int kProducers = 3, kConsumers = 2, kItems = 20000;
  BoundedQueue<Item> q(4, kProducers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < kItems; ++i) ASSERT_TRUE(q.push(item(i, p)));
      q.producer_done();
    });
  std::vector<std::vector<int>> seen(kConsumers * kProducers);
  for (int c = 0; c < kConsumers; ++c)
    threads.emplace_back([&, c] {
      while (auto got = q.pop()) seen[static_cast<size_t>(c * kProducers + got->producer)].push_back(got->value);
    });
  for (auto& t : threads) t.join();
  for (int p = 0; p < kProducers; ++p) {
    std::vector<int> all;
    for (int c = 0; c < kConsumers; ++c) {
      const auto& part = seen[static_cast<size_t>(c * kProducers + p)];
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), static_cast<size_t>(kItems)) << "producer " << p;
    for (int i = 0; i < kItems; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], i) << "producer " << p;
  }
}

TEST(BoundedQueue, DestroysWhatIsLeftInside) {
  auto tracker = std::make_shared<int>(0);
  struct Tracked {
    std::shared_ptr<int> ref;
  };
  {
    BoundedQueue<Tracked> q(4);
    q.push(std::make_unique<Tracked>(Tracked{tracker}));
    q.push(std::make_unique<Tracked>(Tracked{tracker}));
    EXPECT_EQ(tracker.use_count(), 3);
  }
  EXPECT_EQ(tracker.use_count(), 1);
}

}  // namespace
}  // namespace portier
