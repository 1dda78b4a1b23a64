#include "backend-client/task_thread.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace portier {

void TaskThread::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void TaskThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TaskThread::post(std::function<void()> task, TimePoint at) {
  {
    std::lock_guard lock(mutex_);
    tasks_.emplace_back(at, std::move(task));
  }
  wake_.notify_all();
}

void TaskThread::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto due = std::find_if(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t.first <= now; });
    if (due == tasks_.end()) {
      auto next = std::min_element(tasks_.begin(), tasks_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      if (next == tasks_.end()) wake_.wait(lock);
      else wake_.wait_until(lock, next->first);
      continue;
    }
    auto task = std::move(due->second);
    tasks_.erase(due);
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name_, e.what());
    }
    lock.lock();
  }
}

}  // namespace portier
