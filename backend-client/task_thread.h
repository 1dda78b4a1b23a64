// One worker thread for the backend link's slow or timed work: a sync, an
// HTTPS call, a door state to publish. Tasks run one at a time, in the order
// posted; a timed task waits for its time and never holds back one that is
// due. Why one thread: MQTT's callback thread must never block, and the
// retained door state must go out in the order its changes happened, whoever
// changed it (the console, the door contact, a remote command).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace portier {

class TaskThread {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // `name` prefixes the log line of a task that throws.
  explicit TaskThread(std::string name) : name_(std::move(name)) {}
  ~TaskThread() { stop(); }
  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;

  void start();
  // Waits for the running task; tasks not yet run stay queued for a next start().
  void stop();
  // From any thread, before start() too. `at`: not before then (default: now).
  void post(std::function<void()> task, TimePoint at = {});

 private:
  void run();

  const std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<TimePoint, std::function<void()>>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                                          // guarded by mutex_
  std::thread thread_;
};

}  // namespace portier
