#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "hal/camera.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"

namespace portier {

// Reads the camera. When the camera runs on a clock and detection is behind,
// the new frame is dropped and counted: a queued stale frame would only delay
// every decision behind it. Sources without a clock (image folders, the
// throughput benchmark) wait instead, so no frame is lost.
class CaptureStage {
 public:
  CaptureStage(Camera& camera, BoundedQueue<Frame>& out) : camera_(camera), out_(out) {}
  void run(const std::atomic<bool>& stop);
  // Read while the stage runs (the console's status): hence atomic, relaxed,
  // as each is a count with nothing else ordered by it.
  std::uint64_t captured() const { return captured_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  const std::string& error() const { return error_; }

 private:
  Camera& camera_;
  BoundedQueue<Frame>& out_;
  std::atomic<std::uint64_t> captured_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::string error_;
};

}  // namespace portier
