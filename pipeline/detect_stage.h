#pragma once

#include <cstdint>
#include <memory>

#include "models/face_detector.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

// Face detection, the costliest step per frame, so several workers share it.
// It runs on every detect_every-th frame; in between, faces are followed by
// the tracker and re-aligned by the landmark predictor (the MediaPipe way:
// detect seldom, track always), which cuts both CPU load and latency.
class DetectStage {
 public:
  DetectStage(std::unique_ptr<FaceDetector> detector, int detect_every, BoundedQueue<Frame>& in,
              BoundedQueue<DetectedFrame>& out)
      : detector_(std::move(detector)), detect_every_(detect_every), in_(in), out_(out) {}
  void run();
  const StageTimings& timings() const { return timings_; }  // detector runs only
  std::uint64_t frames() const { return frames_; }

 private:
  std::unique_ptr<FaceDetector> detector_;
  int detect_every_;
  std::uint64_t frames_ = 0;
  BoundedQueue<Frame>& in_;
  BoundedQueue<DetectedFrame>& out_;
  StageTimings timings_{"detect"};
};

}  // namespace portier
