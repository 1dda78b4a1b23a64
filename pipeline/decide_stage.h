#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "access/decision_policy.h"
#include "access/embedding_index.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

// Returns a fresh index when the enrolled users changed, std::nullopt otherwise.
using GalleryRefresh = std::function<std::optional<EmbeddingIndex>()>;

class DecideStage {
 public:
  DecideStage(EmbeddingIndex index, GalleryRefresh refresh, DecisionOptions options, BoundedQueue<FaceBatch>& in,
              BoundedQueue<TrackDecided>& decided, BoundedQueue<ActInput>& out,
              const std::atomic<std::uint64_t>& fresh_faces)
      : index_(std::move(index)), refresh_(std::move(refresh)), policy_(options), in_(in), decided_(decided), out_(out),
        fresh_faces_(fresh_faces) {
    apply_rule();
  }
  void run();
  const StageTimings& timings() const { return timings_; }
  // Capture -> identity known, for every frame whose faces were judged.
  const StageTimings& recognition_latency() const { return recognition_; }
  // From any thread: the liveness threshold from the next batch on.
  void set_liveness_threshold(double threshold) { liveness_wanted_.store(threshold, std::memory_order_release); }

 private:
  void maybe_refresh();
  void apply_rule();  // the acceptance threshold for the gallery as it is now

  EmbeddingIndex index_;
  GalleryRefresh refresh_;
  DecisionPolicy policy_;
  BoundedQueue<FaceBatch>& in_;
  BoundedQueue<TrackDecided>& decided_;
  BoundedQueue<ActInput>& out_;
  const std::atomic<std::uint64_t>& fresh_faces_;
  std::uint64_t fresh_faces_seen_ = 0;
  std::atomic<double> liveness_wanted_{-1.0};  // negative: nothing asked
  Clock::time_point last_refresh_ = Clock::now();
  StageTimings timings_{"decide"};
  StageTimings recognition_{"recognition"};
};

}  // namespace portier
