#pragma once

#include <memory>

#include "models/liveness_model.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

// Scores each face for liveness (models/liveness_model.h): a few
// milliseconds, before the costlier embedding, so that a track found to be a
// spoof stops costing embeddings. Without a model (liveness disabled) faces
// pass unscored and events carry a null score.
class LivenessStage {
 public:
  LivenessStage(std::unique_ptr<LivenessScorer> scorer, BoundedQueue<FaceBatch>& in, BoundedQueue<FaceBatch>& out)
      : scorer_(std::move(scorer)), in_(in), out_(out) {}
  void run();
  const StageTimings& timings() const { return timings_; }

 private:
  std::unique_ptr<LivenessScorer> scorer_;  // may be null: liveness disabled
  BoundedQueue<FaceBatch>& in_;
  BoundedQueue<FaceBatch>& out_;
  StageTimings timings_{"liveness"};
};

}  // namespace portier
