// A bounded multi-producer multi-consumer queue that hands over ownership.
//
// The storage is atomic_queue's lock-free ring. AtomicQueueB2 (per-slot state
// byte, acquire on pop, release on push) rather than AtomicQueueB: the latter
// pops with a release-only exchange, so the consumer would not formally
// acquire the producer's writes to the pointee, which on ARM's weaker memory
// model is a real hazard, not a formality. This wrapper adds
// what the pipeline needs on top of it: a capacity that is not rounded up to
// the ring's power-of-two minimum, blocking without spinning (C++20 atomic
// wait/notify on two event counters), and end-of-stream once every producer
// is done, so consumers drain what is in flight and then stop.
#pragma once

#include <atomic_queue/atomic_queue.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>

namespace portier {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(unsigned capacity, int producers = 1)
      : ring_(capacity), capacity_(static_cast<int>(capacity)), producers_(producers) {
    assert(capacity > 0 && producers > 0);
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  ~BoundedQueue() {
    T* item = nullptr;
    while (ring_.try_pop(item)) delete item;
  }

  // Never waits. On false the item stays with the caller (full or closed).
  bool try_push(std::unique_ptr<T>& item) {
    assert(item);
    if (closed_.load(std::memory_order_acquire)) return false;
    // Reserve a slot first: the ring itself may be larger than capacity_.
    if (reserved_.fetch_add(1, std::memory_order_acq_rel) >= capacity_) {
      reserved_.fetch_sub(1, std::memory_order_acq_rel);
      return false;
    }
    // A reserved slot is always free in the ring, so this does not fail; if it
    // ever did, the item stays with the caller rather than being lost.
    if (!ring_.try_push(item.get())) {
      reserved_.fetch_sub(1, std::memory_order_acq_rel);
      return false;
    }
    item.release();
    pushed_.fetch_add(1, std::memory_order_release);
    pushed_.notify_all();
    return true;
  }

  // Waits for room. False (the item is destroyed) only if the queue was closed.
  bool push(std::unique_ptr<T> item) {
    for (;;) {
      if (try_push(item)) return true;
      const auto seen = popped_.load(std::memory_order_acquire);
      if (try_push(item)) return true;
      if (closed_.load(std::memory_order_acquire)) return false;
      popped_.wait(seen, std::memory_order_acquire);
    }
  }

  std::unique_ptr<T> try_pop() {
    T* item = nullptr;
    if (!ring_.try_pop(item)) return nullptr;
    reserved_.fetch_sub(1, std::memory_order_acq_rel);
    popped_.fetch_add(1, std::memory_order_release);
    popped_.notify_all();
    return std::unique_ptr<T>(item);
  }

  // Waits for an item. nullptr means the stream has ended: every producer
  // called producer_done() (or close()) and nothing is left.
  std::unique_ptr<T> pop() {
    for (;;) {
      if (auto item = try_pop()) return item;
      const auto seen = pushed_.load(std::memory_order_acquire);
      if (auto item = try_pop()) return item;
      if (ended()) return try_pop();
      pushed_.wait(seen, std::memory_order_acquire);
    }
  }

  // One producer has pushed its last item. The last one ends the stream.
  void producer_done() {
    if (producers_.fetch_sub(1, std::memory_order_acq_rel) == 1) wake_all();
  }

  // Abort: waiting producers give up, consumers drain and stop.
  void close() {
    closed_.store(true, std::memory_order_release);
    wake_all();
  }

  int capacity() const { return capacity_; }
  int size_approx() const { return std::max(0, reserved_.load(std::memory_order_relaxed)); }

 private:
  bool ended() const {
    return producers_.load(std::memory_order_acquire) <= 0 || closed_.load(std::memory_order_acquire);
  }
  void wake_all() {
    pushed_.fetch_add(1, std::memory_order_release);
    pushed_.notify_all();
    popped_.fetch_add(1, std::memory_order_release);
    popped_.notify_all();
  }

  atomic_queue::AtomicQueueB2<T*> ring_;
  const int capacity_;
  std::atomic<int> reserved_{0};
  std::atomic<int> producers_;
  std::atomic<bool> closed_{false};
  // Event counters: a waiter reads one, re-checks the ring, then sleeps until
  // it changes, so a push or pop between the check and the sleep is never missed.
  std::atomic<std::uint32_t> pushed_{0};
  std::atomic<std::uint32_t> popped_{0};
};

}  // namespace portier
