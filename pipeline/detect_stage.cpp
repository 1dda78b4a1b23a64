#include "pipeline/detect_stage.h"

namespace portier {

void DetectStage::run() {
  while (auto frame = in_.pop()) {
    auto detected = std::make_unique<DetectedFrame>();
    if (frame->seq % static_cast<std::uint64_t>(detect_every_) == 0) {
      const auto start = Clock::now();
      detected->faces = detector_->detect(frame->bgr);
      timings_.add(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    detected->frame = std::move(frame);
    ++frames_;
    out_.push(std::move(detected));
  }
  out_.producer_done();
}

}  // namespace portier
