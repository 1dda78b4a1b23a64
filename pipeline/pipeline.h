#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/stages.h"

namespace portier {

struct PipelineOptions {
  int queue_capacity = 2;  // frames waiting for detection: bounds both latency and memory
  int detect_workers = 2;
  int detect_every = 3;  // run the detector on every n-th frame, track in between
  TrackStageOptions tracking;
  DecisionOptions decision;
  AccessControllerOptions access;  // the verification mode and its timeout
  std::chrono::milliseconds relay_hold{3000};
  std::string device_id = "portier";
  std::filesystem::path evidence_dir;  // where spoof events keep a JPEG of the face; empty: nowhere
};

struct PipelineModels {
  std::unique_ptr<FaceDetector> detector;  // cloned once per detect worker
  std::unique_ptr<FaceAligner> aligner;
  std::unique_ptr<FaceEmbedder> embedder;
  std::unique_ptr<LivenessScorer> liveness;  // null: liveness disabled
};

struct StageReport {
  std::string name;
  size_t items = 0;
  double p50_ms = 0.0;
  double p95_ms = 0.0;
};

struct PipelineReport {
  std::uint64_t captured = 0;
  std::uint64_t dropped = 0;
  std::uint64_t processed = 0;  // frames that went through detection
  size_t decisions = 0;
  size_t granted = 0;
  std::vector<StageReport> stages;
  std::vector<double> decision_latency_ms;
  std::vector<double> track_to_decision_ms;
  std::vector<double> recognition_latency_ms;  // capture -> identity known, every judged frame
  std::vector<double> frame_latency_ms;        // capture -> detected and tracked, every frame
  std::string camera_error;
  std::string failure;  // a stage that threw: the pipeline stopped
};

// Owns the stages, their queues and threads. start() once, then wait(); the
// run ends when the source ends or after request_stop(), once everything in
// flight has been drained and acted on.
class Pipeline {
 public:
  Pipeline(PipelineOptions options, PipelineModels models, std::unique_ptr<Camera> camera, EmbeddingIndex index,
           GalleryRefresh refresh, Relay& relay, EventSink& events, Indicator* indicator = nullptr, ActLinks links = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void start();
  // Safe from any thread, including a signal-watching one.
  void request_stop() {
    stop_.store(true, std::memory_order_release);
    camera_->interrupt();  // a capture thread blocked on the device returns
  }
  void wait();
  bool running() const { return !finished_.load(std::memory_order_acquire); }
  // Moves while frames get through, or while the camera is being reconnected.
  std::uint64_t progress() const { return track_.progress() + camera_->heartbeat(); }
  PipelineReport report() const;  // after wait()
  // The counts, safe to read while it runs (a status page).
  struct Counters {
    std::uint64_t captured = 0, dropped = 0;
    size_t decisions = 0, granted = 0;
  };
  Counters counters() const;
  // The newest frame with its faces and their decisions, for whoever watches.
  LiveView& live_view() { return live_; }
  // A new liveness calibration, applied from the next frame on (from any thread).
  void set_liveness_threshold(double threshold) { decide_.set_liveness_threshold(threshold); }

 private:
  template <class F>
  void spawn(F&& body);
  void abort(const std::string& why);

  PipelineOptions options_;
  std::unique_ptr<Camera> camera_;
  std::unique_ptr<FaceAligner> aligner_;

  // Bumped by the act stage when a card waits for a face; the track and
  // decide stages then judge the faces in view afresh. Declared before the
  // stages that hold a reference to it.
  std::atomic<std::uint64_t> fresh_faces_{0};
  LiveView live_;  // the console's live view: the track and act stages feed it

  BoundedQueue<Frame> frames_;
  BoundedQueue<DetectedFrame> detected_;
  BoundedQueue<TrackDecided> decided_;
  BoundedQueue<FaceBatch> to_liveness_;
  BoundedQueue<FaceBatch> to_embed_;
  BoundedQueue<FaceBatch> to_decide_;
  BoundedQueue<ActInput> to_act_;

  CaptureStage capture_;
  std::vector<std::unique_ptr<DetectStage>> detect_;
  TrackStage track_;
  LivenessStage liveness_;
  EmbedStage embed_;
  DecideStage decide_;
  std::vector<std::unique_ptr<CredentialStage>> credentials_;  // one per reader: a card reader, a keypad
  std::unique_ptr<TickStage> ticks_;  // with an access policy: its schedule runs on the clock
  ActStage act_;

  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> faces_done_{false};  // the decide stage has ended: so does the credential stage
  std::atomic<bool> finished_{false};
  std::atomic<int> active_{0};
  std::atomic<bool> failed_{false};
  std::string failure_;  // written once, by the first failing thread (failed_ guards it)
};

}  // namespace portier
