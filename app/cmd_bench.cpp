// portier bench: throughput of the staged pipeline against the plain loop the
// reference projects use, and decision latency with the video paced like a
// camera. Speed targets are checked here, never in a timed unit test.
#include <sys/resource.h>

#include <cstdio>
#include <atomic>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "access/access_controller.h"
#include "access/access_policy.h"
#include "access/local_clock.h"
#include "app/command_context.h"
#include "app/liveness_setup.h"
#include "app/recognition_setup.h"
#include "app/service_console.h"
#include "hal/simulated_relay.h"
#include "models/image_io.h"
#include "pipeline/pipeline.h"

namespace portier {
namespace {

using Ms = std::chrono::duration<double, std::milli>;

class LogOnlyEventSink final : public EventSink {
 public:
  void publish(const AccessEvent& event) override {
    spdlog::debug("bench event: {}", to_json(event).dump());
  }
  void publish(const AlertEvent& event) override { spdlog::debug("bench alert: {}", to_json(event).dump()); }
};

// Resident memory now (VmRSS), in MB; 0 when /proc cannot tell.
double current_rss_mb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1) break;
  std::fclose(f);
  return kb / 1024.0;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::unique_ptr<Camera> open_source(const std::string& source, bool paced) {
  auto opened = open_camera(source, CameraOptions{.pace_files = paced});
  if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitBadInput, *why);
  return std::move(std::get<std::unique_ptr<Camera>>(opened));
}

EmbeddingIndex enroll_in_memory(FaceModels& models, const std::vector<std::string>& enroll) {
  EmbeddingIndex index;
  std::int64_t id = 0;
  for (const auto& spec : enroll) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw CommandError(kExitBadInput, "--enroll expects NAME=IMAGE, got '" + spec + "'");
    auto loaded = load_bgr_image(spec.substr(eq + 1));
    if (auto* why = std::get_if<std::string>(&loaded)) throw CommandError(kExitBadInput, *why);
    const cv::Mat& image = std::get<cv::Mat>(loaded);
    const auto faces = describe_faces(*models.detector, *models.aligner, *models.embedder, image);
    const int chosen = face_nearest_centre([&] {
      std::vector<FaceBox> boxes;
      for (const auto& f : faces) boxes.push_back(f.box);
      return boxes;
    }(), image.size());
    if (chosen < 0) throw CommandError(kExitBadInput, "no face found in " + spec.substr(eq + 1));
    index.add(++id, spec.substr(0, eq), faces[static_cast<size_t>(chosen)].embedding);
  }
  return index;
}

// 1:N search cost at a large site: 100k enrolled embeddings, exact search.
double search_100k_ms() {
  EmbeddingIndex index;
  cv::RNG rng(42);
  Embedding e;
  for (int i = 0; i < 100000; ++i) {
    for (auto& v : e) v = static_cast<float>(rng.gaussian(0.1));
    index.add(i, "user", e);
  }
  std::vector<double> ms;
  for (int q = 0; q < 50; ++q) {
    for (auto& v : e) v = static_cast<float>(rng.gaussian(0.1));
    const auto t0 = Clock::now();
    (void)index.nearest_users(e, 2);  // the decide stage's search: nearest and runner-up
    ms.push_back(Ms(Clock::now() - t0).count());
  }
  return percentile(ms, 50);
}

// What the access policy adds to a decision: a whole card+face attempt (the
// card looked up, then the face checked 1:1 against its holder) at a site of
// 10k users with a card, a face and two groups each, under a schedule: the
// door's mode and the holder's groups checked in Europe/Berlin civil time.
double policy_p95_ms() {
  constexpr int kUsers = 10000;
  AccessDirectory directory;
  cv::RNG rng(7);
  std::vector<Embedding> faces(kUsers);
  for (int i = 0; i < kUsers; ++i) {
    for (auto& v : faces[static_cast<size_t>(i)]) v = static_cast<float>(rng.gaussian(0.1));
    directory.faces.add(i, "user" + std::to_string(i), faces[static_cast<size_t>(i)]);
    directory.cards.add(std::to_string(1000000 + i), {i, "user" + std::to_string(i), {}});
  }
  for (int i = 0; i < kUsers; ++i) {
    directory.groups.add(i, "night");
    directory.groups.add(i, "staff");
  }
  AccessControllerOptions options;
  options.mode = VerificationMode::CardAndFace;
  // Every user may enter at any hour (the bench's attempts must be granted),
  // but only through their second group, after the first one's refusal.
  options.policy = std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(R"({
    "version": "bench",
    "holiday_groups": {"public": [{"from": "2026-12-24", "to": "2026-12-26", "segments": ["00:00-24:00"]}]},
    "profiles": {
      "always": {"week": {"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
                          "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"],
                          "sun": ["00:00-24:00"]}, "holiday_groups": ["public"]},
      "never": {"week": {}}
    },
    "groups": {"night": {"profile": "never"}, "staff": {"profile": "always"}},
    "door": {"mode": "card+face", "schedule": [{"profile": "never", "mode": "card"}]}
  })")));
  const auto clock = std::make_shared<const LocalClock>("Europe/Berlin");
  options.local_now = [clock] { return clock->now(); };
  AccessController controller(options, std::move(directory));
  std::vector<double> ms;
  const auto now = Clock::now();
  for (int q = 0; q < 2000; ++q) {
    const int user = rng.uniform(0, kUsers);
    Decision face;
    face.track_id = static_cast<std::uint64_t>(q);
    face.verdict = Verdict::Granted;
    face.liveness_passed = true;
    face.user_name = "user" + std::to_string(user);
    face.embedding = faces[static_cast<size_t>(user)];
    const Credential card{Credential::Kind::Card, std::to_string(1000000 + user), now};
    const auto t0 = Clock::now();
    (void)controller.on_credential(card, now);
    const auto out = controller.on_face(std::move(face), now);
    ms.push_back(Ms(Clock::now() - t0).count());
    if (out.size() != 1 || out[0].verdict != Verdict::Granted)
      throw CommandError(kExitFailure, "the policy benchmark's card+face attempt was not granted: the controller is broken");
  }
  return percentile(ms, 95);
}

struct SequentialResult {
  size_t frames = 0;
  double fps = 0.0;
  double one_face_ms = 0.0;
};

// Detect, align, embed and match every face of every frame, one frame after
// the other on one thread: how the reference projects run.
SequentialResult run_sequential(const Config& config, const std::string& source, const EmbeddingIndex& index) {
  FaceModels models = load_face_models(config.models);
  auto camera = open_source(source, false);
  const LivenessSetup liveness = load_liveness(config, false, &models.stem);
  SequentialResult r;
  std::vector<double> one_face;
  const auto start = Clock::now();
  while (auto frame = camera->read()) {
    const auto t0 = Clock::now();
    const auto faces = describe_faces(*models.detector, *models.aligner, *models.embedder, frame->bgr);
    if (faces.size() == 1) one_face.push_back(Ms(Clock::now() - t0).count());
    for (const auto& face : faces) {
      (void)index.nearest_users(face.embedding, 2);
      // The reference loops check liveness too; so does this one, to compare like with like.
      if (liveness.model) (void)liveness.score(frame->bgr, face.box.rect);
    }
    ++r.frames;
  }
  r.fps = static_cast<double>(r.frames) / std::chrono::duration<double>(Clock::now() - start).count();
  r.one_face_ms = percentile(one_face, 50);
  return r;
}

struct PipelineRun {
  PipelineReport report;
  double seconds = 0.0;
  size_t live_frames = 0;  // sent to the simulated live viewers
  double rss_mb = 0;       // the most resident memory seen during the run (sampled every 50 ms)
};

PipelineRun run_pipeline(const Config& config, const std::string& source, const EmbeddingIndex& index, bool paced,
                         int live_viewers = 0) {
  FaceModels models = load_face_models(config.models);
  LivenessSetup liveness = load_liveness(config, false, &models.stem);
  PipelineOptions options = config.pipeline;
  if (liveness.model) options.decision.liveness_threshold = liveness.threshold;
  // The service's rule, whose cost the benchmark includes.
  options.decision.rule_for_gallery = RecognitionSetup(config).rule_for_gallery();
  SimulatedRelay relay;
  LogOnlyEventSink events;
  Pipeline pipeline(options,
                    PipelineModels{std::move(models.detector), std::move(models.aligner), std::move(models.embedder),
                                   liveness.take_scorer()},
                    open_source(source, paced), index, nullptr, relay, events);
  const auto start = Clock::now();
  pipeline.start();
  // The console's live viewers, as the console serves them (the frame drawn,
  // scaled and encoded at console.live_fps on a thread of their own), less
  // the TLS: what watching costs the door's decisions.
  ServiceParts parts;
  parts.live = &pipeline.live_view();
  parts.live_fps = config.console.live_fps;
  ServiceConsole console(std::move(parts));
  std::atomic<size_t> live_frames{0};
  std::vector<std::thread> viewers;
  const auto period = std::chrono::duration<double>(1.0 / config.console.live_fps);
  for (int v = 0; v < live_viewers; ++v)
    viewers.emplace_back([&] {
      console.watch(true);
      std::uint64_t seq = 0;
      while (pipeline.running()) {
        const auto next = Clock::now() + std::chrono::duration_cast<Clock::duration>(period);
        if (auto frame = console.live_jpeg(seq)) {
          seq = frame->first;
          live_frames.fetch_add(1, std::memory_order_relaxed);
          std::this_thread::sleep_until(next);
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
      console.watch(false);
    });
  std::atomic<double> rss{current_rss_mb()};
  std::thread rss_sampler([&] {
    while (pipeline.running()) {
      const double now = current_rss_mb();
      if (now > rss.load(std::memory_order_relaxed)) rss.store(now, std::memory_order_relaxed);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  pipeline.wait();
  for (auto& v : viewers) v.join();
  rss_sampler.join();
  PipelineRun run{pipeline.report(), std::chrono::duration<double>(Clock::now() - start).count(), live_frames.load(),
                  rss.load()};
  if (!run.report.failure.empty()) throw CommandError(kExitFailure, "pipeline failed: " + run.report.failure);
  return run;
}

// The paced runs with and without the live viewers, pooled over the rounds.
struct LiveViewComparison {
  struct Side {
    std::vector<double> frame_ms, recognition_ms, decision_ms;
    size_t decisions = 0;
    double rss_mb = 0;
    void add(const PipelineRun& run) {
      const auto& r = run.report;
      frame_ms.insert(frame_ms.end(), r.frame_latency_ms.begin(), r.frame_latency_ms.end());
      recognition_ms.insert(recognition_ms.end(), r.recognition_latency_ms.begin(), r.recognition_latency_ms.end());
      decision_ms.insert(decision_ms.end(), r.decision_latency_ms.begin(), r.decision_latency_ms.end());
      decisions += r.decisions;
      rss_mb = std::max(rss_mb, run.rss_mb);
    }
    nlohmann::json to_json() const {
      return {{"frame_latency_p50_ms", percentile(frame_ms, 50)},
              {"frame_latency_p95_ms", percentile(frame_ms, 95)},
              {"frames", frame_ms.size()},
              {"recognition_latency_p95_ms", percentile(recognition_ms, 95)},
              {"judged_frames", recognition_ms.size()},
              {"decision_latency_p95_ms", percentile(decision_ms, 95)},
              {"decisions", decisions},
              {"rss_mb", rss_mb}};
    }
  };
  Side without, with;
};

void print_comparison(const LiveViewComparison& c, int viewers, int rounds, double fps) {
  const auto row = [](const char* what, double a, double b, const char* unit) {
    std::printf("  %-26s %9.1f %9.1f  %+6.1f%s\n", what, a, b, a > 0 ? 100.0 * (b - a) / a : 0.0, unit);
  };
  std::printf("live view cost (%d viewer%s at %.0f fps; %d paced runs without and %d with, alternating, pooled)\n", viewers,
              viewers == 1 ? "" : "s", fps, rounds, rounds);
  std::printf("  %-26s %9s %9s  %7s\n", "", "without", "with", "change");
  row("frame latency p50 ms", percentile(c.without.frame_ms, 50), percentile(c.with.frame_ms, 50), "%");
  row("frame latency p95 ms", percentile(c.without.frame_ms, 95), percentile(c.with.frame_ms, 95), "%");
  row("recognition latency p95 ms", percentile(c.without.recognition_ms, 95), percentile(c.with.recognition_ms, 95), "%");
  row("decision latency p95 ms", percentile(c.without.decision_ms, 95), percentile(c.with.decision_ms, 95), "%");
  std::printf("  %-26s %9.0f %9.0f  %+6.1f MB\n", "resident memory peak MB", c.without.rss_mb, c.with.rss_mb,
              c.with.rss_mb - c.without.rss_mb);
  std::printf("  (%zu/%zu frames, %zu/%zu judged frames, %zu/%zu decisions)\n", c.without.frame_ms.size(),
              c.with.frame_ms.size(), c.without.recognition_ms.size(), c.with.recognition_ms.size(), c.without.decisions,
              c.with.decisions);
}

int bench(const std::string& config_flag, const std::string& source, const std::vector<std::string>& enroll, bool json,
          int live_viewers, int rounds) {
  const Config config = prepare(config_flag);
  spdlog::set_level(spdlog::level::warn);  // the report is the output
  EmbeddingIndex index;
  {
    FaceModels models = load_face_models(config.models);
    index = enroll_in_memory(models, enroll);
  }

  set_blas_threads(1);
  const auto sequential = run_sequential(config, source, index);
  set_blas_threads(config.blas_threads);
  const auto throughput = run_pipeline(config, source, index, false);
  // With viewers, the paced run is made `rounds` times without them and as
  // many with, alternating, so that the machine's drift falls on both sides.
  LiveViewComparison comparison;
  PipelineRun paced;
  for (int r = 0; r < (live_viewers > 0 ? rounds : 0); ++r) {
    comparison.without.add(run_pipeline(config, source, index, true, 0));
    paced = run_pipeline(config, source, index, true, live_viewers);
    comparison.with.add(paced);
  }
  if (live_viewers == 0) paced = run_pipeline(config, source, index, true, 0);

  const double pipeline_fps = static_cast<double>(throughput.report.processed) / throughput.seconds;
  const auto& lat = paced.report.decision_latency_ms;
  const double p50 = percentile(lat, 50), p95 = percentile(lat, 95);

  std::printf("source                %s\n", source.c_str());
  std::printf("throughput (every frame, as fast as possible)\n");
  std::printf("  sequential loop     %.1f fps over %zu frames (one face: %.1f ms median)\n", sequential.fps,
              sequential.frames, sequential.one_face_ms);
  std::printf("  pipeline            %.1f fps over %llu frames, %zu decisions\n", pipeline_fps,
              static_cast<unsigned long long>(throughput.report.processed), throughput.report.decisions);
  std::printf("  speedup             %.2fx\n", pipeline_fps / sequential.fps);
  std::printf("latency (paced at the file's frame rate, as a camera)\n");
  std::printf("  frames              %llu captured, %llu processed, %llu dropped\n",
              static_cast<unsigned long long>(paced.report.captured),
              static_cast<unsigned long long>(paced.report.processed),
              static_cast<unsigned long long>(paced.report.dropped));
  std::printf("  decisions           %zu (%zu granted)\n", paced.report.decisions, paced.report.granted);
  if (live_viewers > 0)
    std::printf("  live view           %d viewers, %zu frames sent (%.1f fps each)\n", live_viewers, paced.live_frames,
                static_cast<double>(paced.live_frames) / live_viewers / paced.seconds);
  std::printf("  decision latency    p50 %.1f ms, p95 %.1f ms (capture of deciding frame -> action)\n", p50, p95);
  const auto& recog = paced.report.recognition_latency_ms;
  std::printf("  recognition latency p50 %.1f ms, p95 %.1f ms over %zu judged frames (capture -> identity)\n",
              percentile(recog, 50), percentile(recog, 95), recog.size());
  std::printf("  first frame->decision p50 %.1f ms, p95 %.1f ms\n", percentile(paced.report.track_to_decision_ms, 50),
              percentile(paced.report.track_to_decision_ms, 95));
  std::printf("  %-14s %8s %9s %9s\n", "stage", "items", "p50 ms", "p95 ms");
  for (const auto& s : paced.report.stages)
    std::printf("  %-14s %8zu %9.2f %9.2f\n", s.name.c_str(), s.items, s.p50_ms, s.p95_ms);
  if (live_viewers > 0) print_comparison(comparison, live_viewers, rounds, config.console.live_fps);
  const double rss = peak_rss_mb();  // before the 1:N probe, which holds 51 MB of synthetic embeddings
  std::printf("peak RSS              %.0f MB\n", rss);
  const double search_ms = search_100k_ms();
  std::printf("1:N search            %.2f ms median over 100k enrolled embeddings\n", search_ms);
  const double policy_ms = policy_p95_ms();
  std::printf("access policy         %.4f ms p95 per card+face decision (10k users with cards)\n", policy_ms);

  if (json) {
    nlohmann::json stages = nlohmann::json::object();
    for (const auto& s : paced.report.stages) stages[s.name] = {{"p50_ms", s.p50_ms}, {"p95_ms", s.p95_ms}};
    const nlohmann::json out{{"pipeline_fps", pipeline_fps},
                             {"sequential_fps", sequential.fps},
                             {"speedup", pipeline_fps / sequential.fps},
                             {"latency_p50_ms", p50},
                             {"latency_p95_ms", p95},
                             {"one_face_ms", sequential.one_face_ms},
                             {"dropped", paced.report.dropped},
                             {"peak_rss_mb", rss},
                             {"frames", sequential.frames},
                             {"decisions", paced.report.decisions},
                             {"granted", paced.report.granted},
                             {"track_to_decision_p50_ms", percentile(paced.report.track_to_decision_ms, 50)},
                             {"recognition_latency_p95_ms", percentile(recog, 95)},
                             {"search_100k_ms", search_ms},
                             {"policy_p95_ms", policy_ms},
                             {"live_viewers", live_viewers},
                             {"live_frames", paced.live_frames},
                             {"frame_latency_p95_ms", percentile(paced.report.frame_latency_ms, 95)},
                             {"stages", stages}};
    auto full = out;
    if (live_viewers > 0)
      full["live_view"] = {{"viewers", live_viewers},
                           {"rounds", rounds},
                           {"without", comparison.without.to_json()},
                           {"with", comparison.with.to_json()}};
    std::printf("%s\n", full.dump().c_str());
  }
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("bench", "Measure throughput, decision latency and memory over a video");
  auto config = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>();
  auto enroll = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  auto live_viewers = std::make_shared<int>(0);
  auto rounds = std::make_shared<int>(3);
  cmd->add_option("--config", *config, "Config file");
  cmd->add_option("--source", *source, "video:PATH")->required();
  cmd->add_option("--enroll", *enroll, "NAME=IMAGE, enrolled in memory for the run")->required();
  cmd->add_flag("--json", *json, "End stdout with one JSON object");
  cmd->add_option("--live-viewers", *live_viewers,
                  "Console live viewers watching during the paced run (frames drawn and encoded at console.live_fps)")
      ->check(CLI::Range(0, 8));
  cmd->add_option("--rounds", *rounds,
                  "With --live-viewers: paced runs without and with the viewers, alternating, pooled (default 3)")
      ->check(CLI::Range(1, 20));
  cmd->callback([&exit_code, config, source, enroll, json, live_viewers, rounds] {
    exit_code = guarded([&] { return bench(*config, *source, *enroll, *json, *live_viewers, *rounds); });
  });
}

}  // namespace portier
