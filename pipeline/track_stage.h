#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>

#include "models/face_aligner.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/live_view.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"
#include "pipeline/tracker.h"

namespace portier {

struct TrackStageOptions {
  TrackerOptions tracker;
  int detect_every = 1;    // copied from PipelineOptions by Pipeline
  int embed_every = 1;     // frames between embeddings of an undecided track
  int recheck_every = 10;  // frames between embeddings of a denied track
};

// Puts detections back in frame order, follows faces across frames and picks
// which faces need judging (liveness and an embedding): a new track at once,
// then every embed_every frames until decided, a denied track now and then
// (the visitor may turn to the camera), a granted or spoof track never.
class TrackStage {
 public:
  TrackStage(const FaceAligner& aligner, TrackStageOptions options, BoundedQueue<DetectedFrame>& in,
             BoundedQueue<TrackDecided>& decided, BoundedQueue<FaceBatch>& out,
             const std::atomic<std::uint64_t>& fresh_faces, LiveView& live)
      : aligner_(aligner), options_(options), tracker_(options.tracker), in_(in), decided_(decided), out_(out),
        fresh_faces_(fresh_faces), live_(live) {}
  void run();
  const StageTimings& timings() const { return timings_; }
  // Capture -> tracked, every frame: what a busy core (a live viewer's
  // encoding, say) adds to the door's latency shows here first.
  const StageTimings& frame_latency() const { return frame_latency_; }
  // Frames that made it through detection and tracking: the service's
  // watchdog is fed only while this moves, so a stalled camera or a hung
  // stage gets the service restarted, not just a live main loop kept alive.
  std::uint64_t progress() const { return progress_.load(std::memory_order_relaxed); }

 private:
  void handle(DetectedFrame& frame);
  void take_feedback();
  void maybe_reopen();

  struct TrackState {
    Clock::time_point started;
    int since_embedding = 0;
    enum { Undecided, Denied, Granted, Spoof } status = Undecided;
  };
  const FaceAligner& aligner_;
  TrackStageOptions options_;
  IouTracker tracker_;
  BoundedQueue<DetectedFrame>& in_;
  BoundedQueue<TrackDecided>& decided_;
  BoundedQueue<FaceBatch>& out_;
  std::map<std::uint64_t, std::unique_ptr<DetectedFrame>> reorder_;
  std::uint64_t next_seq_ = 0;
  std::unordered_map<std::uint64_t, TrackState> tracks_;
  const std::atomic<std::uint64_t>& fresh_faces_;  // bumped by the act stage when a card waits for a face
  LiveView& live_;
  std::uint64_t fresh_faces_seen_ = 0;
  StageTimings timings_{"track+align"};
  StageTimings frame_latency_{"capture->tracked"};
  std::atomic<std::uint64_t> progress_{0};  // a metric read by the supervisor; relaxed is enough
};

}  // namespace portier
