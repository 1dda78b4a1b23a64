#include "pipeline/pipeline.h"

#include <spdlog/spdlog.h>

namespace portier {
namespace {
constexpr unsigned kInnerQueueCapacity = 4;  // batches between model stages
constexpr unsigned kFeedbackCapacity = 256;

// A door with a clock (an access policy, or one the backend may send) lives
// by the time of day, visitors or not.
bool ticking(const PipelineOptions& options) { return options.access.policy || options.access.local_now; }

TrackStageOptions tracking_options(const PipelineOptions& options) {
  TrackStageOptions t = options.tracking;
  t.detect_every = options.detect_every;
  return t;
}
}  // namespace

Pipeline::Pipeline(PipelineOptions options, PipelineModels models, std::unique_ptr<Camera> camera,
                   EmbeddingIndex index, GalleryRefresh refresh, Relay& relay, EventSink& events,
                   Indicator* indicator, ActLinks links)
    : options_(std::move(options)),
      camera_(std::move(camera)),
      aligner_(std::move(models.aligner)),
      frames_(static_cast<unsigned>(options_.queue_capacity)),
      detected_(static_cast<unsigned>(options_.detect_workers + options_.queue_capacity), options_.detect_workers),
      decided_(kFeedbackCapacity),
      to_liveness_(kInnerQueueCapacity),
      to_embed_(kInnerQueueCapacity),
      to_decide_(kInnerQueueCapacity),
      to_act_(kInnerQueueCapacity, 1 + static_cast<unsigned>(links.readers.size()) + (ticking(options_) ? 1u : 0u)),
      capture_(*camera_, frames_),
      track_(*aligner_, tracking_options(options_), detected_, decided_, to_liveness_, fresh_faces_, live_),
      liveness_(std::move(models.liveness), to_liveness_, to_embed_),
      embed_(std::move(models.embedder), to_embed_, to_decide_),
      decide_(std::move(index), std::move(refresh), options_.decision, to_decide_, decided_, to_act_, fresh_faces_),
      act_(relay, indicator, events, options_.relay_hold, options_.device_id, options_.evidence_dir, links,
           options_.access, to_act_, fresh_faces_, live_) {
  for (CredentialReader* reader : links.readers)
    credentials_.push_back(std::make_unique<CredentialStage>(*reader, events, options_.device_id, to_act_));
  if (ticking(options_)) ticks_ = std::make_unique<TickStage>(to_act_, std::chrono::milliseconds(500));
  // Each worker owns a detector (they keep scratch buffers): clones of the one given.
  auto prototype = std::move(models.detector);
  for (int i = 0; i < options_.detect_workers; ++i) {
    auto detector = i + 1 < options_.detect_workers ? prototype->clone() : std::move(prototype);
    detect_.push_back(std::make_unique<DetectStage>(std::move(detector), options_.detect_every, frames_, detected_));
  }
}

Pipeline::~Pipeline() {
  request_stop();
  if (!threads_.empty()) {
    abort("pipeline destroyed while running");
    wait();
  }
}

template <class F>
void Pipeline::spawn(F&& body) {
  active_.fetch_add(1, std::memory_order_acq_rel);
  threads_.emplace_back([this, body = std::forward<F>(body)]() mutable {
    try {
      body();
    } catch (const std::exception& e) {
      abort(e.what());
    }
    if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) finished_.store(true, std::memory_order_release);
  });
}

void Pipeline::abort(const std::string& why) {
  if (!failed_.exchange(true, std::memory_order_acq_rel)) {
    failure_ = why;
    spdlog::error("pipeline stopped: {}", why);
  }
  stop_.store(true, std::memory_order_release);
  // Unblock every stage: closed queues refuse pushes and end pops once empty.
  frames_.close();
  detected_.close();
  to_liveness_.close();
  to_embed_.close();
  to_decide_.close();
  to_act_.close();
}

void Pipeline::start() {
  spawn([this] { capture_.run(stop_); });
  for (auto& worker : detect_) spawn([&worker] { worker->run(); });
  spawn([this] { track_.run(); });
  spawn([this] { liveness_.run(); });
  spawn([this] { embed_.run(); });
  spawn([this] {
    decide_.run();
    faces_done_.store(true, std::memory_order_release);
  });
  for (auto& stage : credentials_) spawn([this, s = stage.get()] { s->run(stop_, faces_done_); });
  if (ticks_) spawn([this] { ticks_->run(stop_, faces_done_); });
  spawn([this] { act_.run(); });
}

void Pipeline::wait() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

Pipeline::Counters Pipeline::counters() const {
  return {capture_.captured(), capture_.dropped(), act_.decisions(), act_.granted()};
}

PipelineReport Pipeline::report() const {
  PipelineReport r;
  r.captured = capture_.captured();
  r.dropped = capture_.dropped();
  StageTimings detect("detect");
  for (const auto& worker : detect_) {
    detect.merge(worker->timings());
    r.processed += worker->frames();  // every frame passes here, detected or tracked
  }
  r.decisions = act_.decisions();
  r.granted = act_.granted();
  for (const StageTimings* t : std::initializer_list<const StageTimings*>{&detect, &track_.timings(), &liveness_.timings(), &embed_.timings(),
                                &decide_.timings(), &act_.timings()})
    r.stages.push_back({t->name(), t->count(), percentile(t->samples(), 50), percentile(t->samples(), 95)});
  r.decision_latency_ms = act_.decision_latency_ms();
  r.track_to_decision_ms = act_.track_to_decision_ms();
  r.recognition_latency_ms = decide_.recognition_latency().samples();
  r.frame_latency_ms = track_.frame_latency().samples();
  r.camera_error = capture_.error();
  if (failed_.load(std::memory_order_acquire)) r.failure = failure_;
  return r;
}

}  // namespace portier
