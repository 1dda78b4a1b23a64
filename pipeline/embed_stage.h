#pragma once

#include <memory>

#include "models/face_embedder.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

class EmbedStage {
 public:
  EmbedStage(std::unique_ptr<FaceEmbedder> embedder, BoundedQueue<FaceBatch>& in, BoundedQueue<FaceBatch>& out)
      : embedder_(std::move(embedder)), in_(in), out_(out) {}
  void run();
  const StageTimings& timings() const { return timings_; }

 private:
  std::unique_ptr<FaceEmbedder> embedder_;
  BoundedQueue<FaceBatch>& in_;
  BoundedQueue<FaceBatch>& out_;
  StageTimings timings_{"embed"};
};

}  // namespace portier
