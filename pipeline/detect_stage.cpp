#include "pipeline/stages.h"

namespace portier {

void DetectStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<Frame> frame) {
    auto detected = std::make_unique<DetectedFrame>();
    detected->faces = detector_->detect(frame->bgr);
    detected->frame = std::move(frame);
    out_.push(std::move(detected));
  });
  out_.producer_done();
}

}  // namespace portier
