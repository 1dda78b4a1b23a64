#include <spdlog/spdlog.h>

#include "pipeline/capture_stage.h"

namespace portier {

void CaptureStage::run(const std::atomic<bool>& stop) {
  const bool realtime = camera_.realtime();
  std::uint64_t seq = 0;
  while (!stop.load(std::memory_order_acquire)) {
    auto captured = camera_.read();
    if (!captured) {
      error_ = camera_.error();
      break;
    }
    captured_.fetch_add(1, std::memory_order_relaxed);
    auto frame = std::make_unique<Frame>(Frame{seq, std::move(captured->bgr), captured->captured});
    if (realtime) {
      if (!out_.try_push(frame)) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        continue;  // seq is not used up: the frames that enter stay consecutive
      }
    } else if (!out_.push(std::move(frame))) {
      break;
    }
    ++seq;
  }
  if (!error_.empty()) spdlog::error("{}", error_);
  out_.producer_done();
}

}  // namespace portier
