#include "backend-client/event_forwarder.h"

#include <spdlog/spdlog.h>

#include "backend-client/backoff.h"

namespace portier {

EventForwarder::EventForwarder(Outbox& outbox, std::string sink, size_t batch_size, Send send,
                               std::chrono::milliseconds retry_base, std::chrono::milliseconds retry_cap)
    : outbox_(outbox), sink_(std::move(sink)), batch_size_(batch_size), send_(std::move(send)),
      retry_base_(retry_base), retry_cap_(retry_cap) {}

EventForwarder::~EventForwarder() { stop(); }

void EventForwarder::start() {
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void EventForwarder::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventForwarder::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void EventForwarder::retry_now() {
  {
    std::lock_guard lock(mutex_);
    retry_now_ = true;
  }
  wake_.notify_all();
}

std::string EventForwarder::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void EventForwarder::run() {
  Backoff backoff(retry_base_, retry_cap_);
  for (;;) {
    std::chrono::milliseconds pause{0};
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
      woken_ = false;
    }
    std::vector<OutboxRow> batch;
    try {
      batch = outbox_.pending(sink_, batch_size_);
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
      pause = backoff.next();
    }
    if (!batch.empty()) {
      auto result = send_(batch);
      if (auto* sent = std::get_if<size_t>(&result); sent && *sent > 0) {
        try {
          outbox_.acknowledge(sink_, batch[*sent - 1].seq);
        } catch (const std::exception& e) {
          // Not acknowledged: the batch goes again, and receivers de-duplicate.
          spdlog::error("outbox: {}", e.what());
          pause = backoff.next();
        }
        delivered_.fetch_add(*sent, std::memory_order_relaxed);
        if (!healthy_.exchange(true, std::memory_order_relaxed))
          spdlog::info("{}: delivering again after {} failed attempts", sink_, backoff.failures());
        if (pause.count() == 0) backoff.reset();
        if (*sent == batch.size() && pause.count() == 0) continue;  // more may be waiting: no pause
      } else {
        const std::string why = sent ? "nothing acknowledged" : std::get<std::string>(result);
        pause = backoff.next();
        {
          std::lock_guard lock(mutex_);
          // Logged on change, not on every retry: an outage of an hour is one line.
          if (why != last_error_) spdlog::warn("{}: {}; {} events wait in the outbox, retrying", sink_, why, outbox_.backlog(sink_));
          last_error_ = why;
        }
        healthy_.store(false, std::memory_order_relaxed);
      }
    }
    std::unique_lock lock(mutex_);
    if (stop_) return;
    if (pause.count() > 0) {
      // A failure: wait out the backoff (a new event does not cut it short,
      // or a dead link would be hammered at the rate of decisions).
      wake_.wait_for(lock, pause, [this] { return stop_ || retry_now_; });
      retry_now_ = false;
    } else if (batch.empty()) {
      // Idle: sleep until an event arrives; poll now and then regardless.
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || woken_; });
    }
  }
}

}  // namespace portier
