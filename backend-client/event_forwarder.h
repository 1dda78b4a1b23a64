#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "backend-client/outbox.h"

namespace portier {

// Delivers the outbox to one destination, in order: reads the oldest events
// the destination lacks, hands them to `send`, and acknowledges as many as
// `send` reports delivered (counted from the first). Anything not delivered
// is sent again, after an exponential backoff with jitter on failure, so
// every event arrives at least once and first arrivals keep their order.
class EventForwarder {
 public:
  // Events delivered, from the first of the batch; or why none were.
  using Send = std::function<std::variant<size_t, std::string>(const std::vector<OutboxRow>& batch)>;

  EventForwarder(Outbox& outbox, std::string sink, size_t batch_size, Send send,
                 std::chrono::milliseconds retry_base, std::chrono::milliseconds retry_cap);
  ~EventForwarder();
  EventForwarder(const EventForwarder&) = delete;
  EventForwarder& operator=(const EventForwarder&) = delete;

  void start();
  void stop();  // returns once the thread has ended; undelivered events stay in the outbox
  void wake();       // a new event is in the outbox: no need to wait for the next poll
  void retry_now();  // the destination is back (a reconnect): cut a backoff short

  const std::string& sink() const { return sink_; }
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  std::string last_error() const;

 private:
  void run();

  Outbox& outbox_;
  std::string sink_;
  size_t batch_size_;
  Send send_;
  std::chrono::milliseconds retry_base_, retry_cap_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  bool retry_now_ = false;
  std::string last_error_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<bool> healthy_{true};
  std::thread thread_;
};

}  // namespace portier
