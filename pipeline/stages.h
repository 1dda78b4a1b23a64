// The stages of the pipeline, one class each, each implemented in its own
// .cpp. A stage owns its model and its state, reads one queue and writes the
// next; Pipeline (pipeline.h) wires them and runs each on its own thread.
//
//   capture -> detect (N workers) -> track+align -> liveness -> embed -> decide -> act
//                                       ^---------------- decided tracks -----------'
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <functional>
#include <string_view>
#include <memory>
#include <optional>
#include <map>
#include <unordered_map>

#include "access/access_controller.h"
#include "access/access_event.h"
#include "access/decision_policy.h"
#include "access/embedding_index.h"
#include "access/remote_verifier.h"
#include "hal/camera.h"
#include "hal/indicator.h"
#include "hal/relay.h"
#include "models/face_aligner.h"
#include "models/face_detector.h"
#include "models/face_embedder.h"
#include "models/liveness_model.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/live_view.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"
#include "pipeline/tracker.h"

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

// Fresh users and cards when the gallery changed, std::nullopt otherwise.
using DirectoryRefresh = std::function<std::optional<AccessDirectory>()>;

// What the act stage may consult besides the relay; each may be absent.
struct ActLinks {
  RemoteVerifier* verifier = nullptr;  // decision mode "backend": the backend has the last word
  AccessGate* gate = nullptr;          // remote arm / disarm of face access
  // The card reader and the PIN keypad, as the verification mode needs them.
  std::vector<CredentialReader*> readers;
  DirectoryRefresh directory;          // the cards and faces the reader's credentials are checked against
  // Whoever keeps each decision with a small picture of its face (the
  // console's access log, Home Assistant's image): the thumbnail is made
  // once, here; empty when no face was part of the decision.
  std::function<void(const AccessEvent& event, std::string_view face_jpeg)> record{};
};

// Reads the card reader and hands each credential to the act stage, with a
// tick when nothing came so that waiting credentials expire on time. A
// reader that cannot be read raises reader_down (once) and is retried with
// backoff; reader_up when it reads again.
class CredentialStage {
 public:
  CredentialStage(CredentialReader& reader, EventSink& events, std::string device_id, BoundedQueue<ActInput>& out)
      : reader_(reader), events_(events), device_id_(std::move(device_id)), out_(out) {}
  // Until `stop`, or until the faces' stream has ended (`faces_done`).
  void run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done);
  std::uint64_t credentials() const { return credentials_; }

 private:
  CredentialReader& reader_;
  EventSink& events_;
  std::string device_id_;
  BoundedQueue<ActInput>& out_;
  std::uint64_t credentials_ = 0;
};

// Wakes the act stage on the clock when nothing else would (no reader, no
// face): the access policy changes the door's mode and unlocks it by the
// time of day, not by visitors.
class TickStage {
 public:
  TickStage(BoundedQueue<ActInput>& out, std::chrono::milliseconds every) : out_(out), every_(every) {}
  void run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done);

 private:
  BoundedQueue<ActInput>& out_;
  std::chrono::milliseconds every_;
};

// Drives the door and reports: the relay first (the visitor is waiting), then
// the event. Face decisions and credentials pass the door's verification
// mode first (access/access_controller.h). In backend mode the backend is asked first; a disarmed gate
// keeps the door shut on a grant. A suspected spoof also raises a
// spoof_suspected alert and, when evidence_dir is set, keeps a JPEG of the
// face named after the event.
class ActStage {
 public:
  ActStage(Relay& relay, Indicator* indicator, EventSink& events, std::chrono::milliseconds hold,
           std::string device_id, std::filesystem::path evidence_dir, ActLinks links, AccessControllerOptions access,
           BoundedQueue<ActInput>& in, std::atomic<std::uint64_t>& fresh_faces, LiveView& live);
  void run();
  const StageTimings& timings() const { return timings_; }
  const std::vector<double>& decision_latency_ms() const { return latency_ms_; }
  const std::vector<double>& track_to_decision_ms() const { return track_ms_; }
  size_t granted() const { return granted_.load(std::memory_order_relaxed); }  // read while running, as above
  size_t decisions() const { return decisions_.load(std::memory_order_relaxed); }

 private:
  Relay& relay_;
  Indicator* indicator_;  // may be null: no LEDs or buzzer
  EventSink& events_;
  std::optional<std::string> keep_evidence(const Decision& decision, const std::string& event_id);
  // Hands the decision and a thumbnail of its face to the access log (ActLinks::record).
  void record_with_face(const Decision& decision, const AccessEvent& event);
  void ask_backend(Decision& decision);
  void act(Decision& decision);
  void maybe_refresh();
  // While the schedule keeps the door unlocked: the relay held in pieces of
  // at most a minute, so it locks on time and at once if the service stops.
  void keep_unlocked(Clock::time_point now);
  ActLinks links_;
  AccessController controller_;
  std::atomic<std::uint64_t>& fresh_faces_;
  LiveView& live_;
  Clock::time_point last_refresh_ = Clock::now();

  std::chrono::milliseconds hold_;
  Clock::time_point held_until_{};  // the schedule's last hold of the relay ends then
  std::string device_id_;
  std::filesystem::path evidence_dir_;  // empty: no JPEGs kept
  BoundedQueue<ActInput>& in_;
  std::vector<double> latency_ms_;
  std::vector<double> track_ms_;
  std::atomic<size_t> granted_{0};
  std::atomic<size_t> decisions_{0};
  StageTimings timings_{"act"};
};

// Pops until the stream ends, timing each item.
template <class T, class F>
void for_each_item(BoundedQueue<T>& in, StageTimings& timings, F&& process) {
  while (auto item = in.pop()) {
    const auto start = Clock::now();
    process(std::move(item));
    timings.add(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

}  // namespace portier
