// portier liveness train | calibrate: making the liveness model, and fitting
// its threshold to one camera.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "access/atomic_file.h"
#include "access/time_format.h"
#include "app/command_context.h"
#include "app/frame_source.h"
#include "app/liveness_setup.h"
#include "app/progress_bar.h"
#include "bench/liveness_training_run.h"
#include "hal/camera.h"
#include "models/face_models.h"
#include "models/model_files.h"
#include "models/texture_stem.h"
#include "pipeline/stage_timings.h"

namespace portier {
namespace {

struct TrainArgs {
  std::string config, root, labels, out = "portier-liveness.json";
  std::vector<std::string> crops_dirs;
  double target_bpcer = 0;  // 0: the balanced EER point
  LivenessHyperparameters hyper;
  int augment = 0;
  std::uint64_t seed = 1;
  bool json = false;
};

std::string describe(const LivenessReport& r) {
  return fmt::format("APCER {:.4f}  BPCER {:.4f}  EER {:.4f}  APCER@BPCER 5% {:.4f}", r.apcer, r.bpcer, r.eer,
                     r.apcer_at_bpcer_5);
}

nlohmann::json figures_json(const SourceFigures& s) {
  nlohmann::json by_attack = nlohmann::json::array();
  for (const auto& a : s.by_attack)
    by_attack.push_back({{"attack", a.attack}, {"attacks", a.attacks}, {"apcer", a.apcer}, {"eer", a.eer}});
  return {{"source", s.source},
          {"by_attack", by_attack},
          {"crops", s.crops},
          {"images", s.at_threshold.images},
          {"apcer", s.at_threshold.apcer},
          {"bpcer", s.at_threshold.bpcer},
          {"eer", s.at_threshold.eer},
          {"apcer_at_bpcer_5", s.at_threshold.apcer_at_bpcer_5},
          {"tracks", {{"live", s.tracks.live}, {"spoof", s.tracks.spoof}, {"apcer", s.tracks.apcer}, {"bpcer", s.tracks.bpcer}}}};
}

// One row per held-out source; returns the same figures as JSON.
nlohmann::json print_source_rows(const std::vector<SourceFigures>& figures, bool mark_crops) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& s : figures) {
    std::printf("  %-34s %6zu  %.4f %.4f %.4f %-14.4f |               %.4f %.4f\n",
                (s.source + (mark_crops && s.crops ? " (crops)" : "")).c_str(), s.at_threshold.images,
                s.at_threshold.apcer, s.at_threshold.bpcer, s.at_threshold.eer, s.at_threshold.apcer_at_bpcer_5,
                s.tracks.apcer, s.tracks.bpcer);
    rows.push_back(figures_json(s));
  }
  return rows;
}

int train(const TrainArgs& args) {
  const Config config = prepare(args.config, ModelCheck::FaceModelsOnly);
  // The still-image detector: it gives every image the same answer
  // whichever thread sees it first, so the model is rebuilt byte for byte.
  const auto detector = make_still_detector(config.models);
  const TextureStem stem(resnet_stem_weights(config.models.dir / kResnetModel.name));
  auto is_crop = [&](const std::string& path) {
    return std::any_of(args.crops_dirs.begin(), args.crops_dirs.end(),
                       [&](const std::string& prefix) { return path.rfind(prefix, 0) == 0; });
  };
  LabelledSamples data;
  try {
    ProgressBar progress("features", 0);
    data = labelled_samples(args.root, args.labels, is_crop, *detector, stem, {2, args.augment, args.seed},
                            [&](size_t total, const std::string& path) { progress.step(path, total); });
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
  const auto& images = data.images;
  const auto& samples = data.samples;
  std::vector<double> feature_ms;
  size_t found = 0;
  for (const auto& s : samples)
    if (s.face_found) {
      ++found;
      feature_ms.push_back(s.feature_ms);
    }

  TrainingRun run;
  try {
    run = train_liveness_model(images, samples, args.hyper, args.target_bpcer);
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }

  std::printf("images            %zu (%zu live, %zu spoof), a face in %zu; %d augmented views each for the face head; features %.2f ms median per face\n",
              images.size(), run.pooled.live, run.pooled.spoof, found, args.augment, percentile(feature_ms, 50));
  std::printf("cross-validation  %zu sources, each held out in turn: scored by a model that never saw it\n",
              run.sources.size());
  std::printf("  %-34s %6s  %-6s %-6s %-6s %-14s | tracks of %d: APCER  BPCER\n", "held-out source", "images", "APCER",
              "BPCER", "EER", "APCER@BPCER5%", kFramesPerTrack);
  const nlohmann::json sources = print_source_rows(run.sources, true);
  std::printf("worst source      %s: EER %.4f; of camera frames: %s, EER %.4f\n", run.worst_source.c_str(),
              run.worst_eer, run.worst_frame_source.c_str(), run.worst_frame_eer);
  std::printf("by attack type    each source's attacks of one type against its own live faces, the worst source:\n");
  nlohmann::json worst_by_attack = nlohmann::json::array();
  for (const auto& w : run.worst_by_attack) {
    std::printf("  %-8s worst %-26s EER %.4f  APCER %.4f\n", w.attack.c_str(), w.source.c_str(), w.eer, w.apcer);
    worst_by_attack.push_back({{"attack", w.attack}, {"source", w.source}, {"eer", w.eer}, {"apcer", w.apcer}});
  }
  std::printf("face head alone  (what `eval liveness --crops` scores), every source held out in turn:\n");
  const nlohmann::json face_sources = print_source_rows(run.face_sources, false);
  std::printf("worst face source %s: EER %.4f\n", run.worst_face_source.c_str(), run.worst_face_eer);
  std::printf("pooled            %s\n", describe(run.pooled).c_str());
  const std::string rule = args.target_bpcer > 0
                               ? fmt::format("rejects {:.0f}% of the held-out live faces", args.target_bpcer * 100)
                               : std::string("where the held-out APCER and BPCER meet");
  std::printf("threshold         %.4f (%s, every source weighing the same); calibration floor %.4f\n",
              run.model.threshold, rule.c_str(), run.model.calibration_floor);
  if (run.model.print)
    std::printf("print head        RBF SVM, %zu support vectors; a frame scores the lower of it and the scene head\n",
                run.model.print->support.size());

  std::string command = "portier liveness train --root " + args.root;
  for (const auto& c : args.crops_dirs) command += " --crops-dir " + c;
  if (args.target_bpcer > 0) command += fmt::format(" --target-bpcer {}", args.target_bpcer);
  command += fmt::format(" --c {} --augment {} --seed {}{} {}", args.hyper.c, args.augment, args.seed,
                         args.hyper.print_head ? " --print-head" : "", args.labels);
  run.model.training = {{"command", command},
                        {"labels", args.labels},
                        {"images", images.size()},
                        {"faces_found", found},
                        {"hyperparameters",
                         {{"c", args.hyper.c},
                          {"augment", args.augment},
                          {"seed", args.seed},
                          {"print_head", args.hyper.print_head},
                          {"print_head_cap", args.hyper.print_head_cap}}},
                        {"target_bpcer", args.target_bpcer},
                        {"leave_one_source_out",
                         {{"sources", sources},
                          {"worst_source", run.worst_source},
                          {"worst_eer", run.worst_eer},
                          {"worst_frame_source", run.worst_frame_source},
                          {"worst_frame_eer", run.worst_frame_eer},
                          {"worst_by_attack", worst_by_attack},
                          {"face_head",
                           {{"sources", face_sources},
                            {"worst_source", run.worst_face_source},
                            {"worst_eer", run.worst_face_eer}}},
                          {"pooled", {{"apcer", run.pooled.apcer}, {"bpcer", run.pooled.bpcer}, {"eer", run.pooled.eer}}}}}};
  if (auto why = write_file_atomically(args.out, liveness_model_text(run.model))) throw CommandError(kExitFailure, *why);
  const auto sha = sha256_of_file(args.out).value_or("?");
  std::printf("wrote             %s\n  sha256 %s\n  to use it: [liveness] model = \"%s\" and model_sha256 = \"%s\"\n",
              args.out.c_str(), sha.c_str(), args.out.c_str(), sha.c_str());
  if (args.json) {
    const nlohmann::json out{{"images", images.size()},   {"faces_found", found},
                             {"threshold", run.model.threshold}, {"apcer", run.pooled.apcer},
                             {"bpcer", run.pooled.bpcer},  {"eer", run.pooled.eer},
                             {"sources", sources},         {"worst_source", run.worst_source},
                             {"worst_eer", run.worst_eer}, {"worst_frame_source", run.worst_frame_source},
                             {"worst_frame_eer", run.worst_frame_eer}, {"worst_face_source", run.worst_face_source},
                             {"worst_face_eer", run.worst_face_eer},   {"worst_by_attack", worst_by_attack},
                             {"model", args.out},
                             {"sha256", sha}};
    std::printf("%s\n", out.dump().c_str());
  }
  return kExitOk;
}

struct CalibrateArgs {
  std::string config, source;
  int faces = 40;
  double target_bpcer = 0.02;
  int timeout_s = 120;
  bool dry_run = false;
};

int calibrate(const CalibrateArgs& args) {
  const Config config = prepare(args.config);
  if (std::error_code ec; std::filesystem::exists(config.liveness.site_model_file, ec))
    throw CommandError(kExitBadInput, *calibration_overridden(config));
  LivenessSetup liveness = load_liveness(config, true);
  const std::string source = args.source.empty() ? config.camera_source : args.source;
  auto camera = open_unpaced_source(config, source);
  const auto detector = make_face_detector(config.models);

  std::fprintf(stderr, "calibrating on %s: stand about a metre from the camera, look at it, move a little (%d faces)\n",
               source.c_str(), args.faces);
  std::vector<double> scores;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_s);
  while (static_cast<int>(scores.size()) < args.faces && std::chrono::steady_clock::now() < deadline) {
    const auto frame = camera->read();
    if (!frame) break;
    const auto faces = detector->detect(frame->bgr);
    // One person in view: with two, whose face this is would be a guess.
    if (faces.size() != 1) continue;
    scores.push_back(liveness.score(frame->bgr, faces.front().rect));
  }
  if (!camera->error().empty()) spdlog::warn("{}", camera->error());
  std::printf("model threshold   %.3f, calibration floor %.3f\n", liveness.model->threshold,
              liveness.model->calibration_floor);
  auto made = calibration_from_scores(scores, *liveness.model, config.liveness.model_sha256, source, args.target_bpcer,
                                      std::min(args.faces, 10));
  if (auto* why = std::get_if<std::string>(&made)) throw CommandError(kExitFailure, *why);
  const LivenessCalibration c = std::get<LivenessCalibration>(made);
  const double wanted = c.threshold;
  const auto [low, high] = std::minmax_element(scores.begin(), scores.end());
  std::printf("live captures     %zu, scores min %.3f median %.3f max %.3f\n", scores.size(), *low, c.live_p50, *high);
  std::printf("threshold         %.3f (rejects about %.0f%% of live faces like these)\n", wanted, args.target_bpcer * 100);
  if (config.liveness.threshold)
    std::printf("note              liveness.threshold = %.3f in %s overrides any calibration: remove it to use this one\n",
                *config.liveness.threshold, config.file.c_str());
  if (args.dry_run) {
    std::printf("dry run           nothing written\n");
    return kExitOk;
  }
  write_liveness_calibration(config.liveness.calibration_file, c);
  std::printf("wrote             %s (the service reads it at start: restart it)\n",
              config.liveness.calibration_file.c_str());
  return kExitOk;
}

}  // namespace

void add_liveness_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("liveness", "Train the liveness model, fit it to this door's camera, or calibrate its threshold");
  cmd->require_subcommand(1);

  auto* t = cmd->add_subcommand("train", "Train the liveness model from labelled images (each capture source held out in turn)");
  auto targs = std::make_shared<TrainArgs>();
  t->add_option("--config", targs->config, "Config file (for the face detector)");
  t->add_option("--root", targs->root, "Folder the image paths are relative to")->required();
  t->add_option("--crops-dir", targs->crops_dirs, "Paths starting with this are face crops (repeatable)");
  t->add_option("--out", targs->out, "Model file to write")->capture_default_str();
  t->add_option("--target-bpcer", targs->target_bpcer,
                "Put the threshold where this share of held-out live faces is rejected (default: where the held-out "
                "APCER and BPCER meet), every source weighing the same")
      ->check(CLI::Range(0.001, 0.5));
  t->add_option("--c", targs->hyper.c, "Weight of the data against the L2 penalty (logistic regression)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  t->add_option("--augment", targs->augment, "Augmented views of each image for the face head (scale, turn, colour, blur, noise, JPEG); "
                  "the scene head trains on the images as they are")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  t->add_option("--seed", targs->seed, "Seed of the augmentation")->capture_default_str();
  t->add_flag("--print-head", targs->hyper.print_head,
              "Also fit the print head: an RBF SVM of live frames against print attacks (attack_type print), "
              "a frame scored by the lower of it and the scene head");
  t->add_flag("--json", targs->json, "End stdout with one JSON object");
  t->add_option("LABELS", targs->labels, "CSV with columns path,label (live or spoof)")->required();
  t->callback([&exit_code, targs] { exit_code = guarded([&] { return train(*targs); }); });

  auto* c = cmd->add_subcommand("calibrate", "Set the liveness threshold for this camera from live captures");
  auto cargs = std::make_shared<CalibrateArgs>();
  c->add_option("--config", cargs->config, "Config file");
  c->add_option("--source", cargs->source, "Frame source (default: camera.source)");
  c->add_option("--faces", cargs->faces, "Live face captures to collect")->check(CLI::Range(10, 10000))->capture_default_str();
  c->add_option("--target-bpcer", cargs->target_bpcer, "Share of those live captures the threshold may reject")
      ->check(CLI::Range(0.0, 0.2))
      ->capture_default_str();
  c->add_option("--timeout", cargs->timeout_s, "Give up after this many seconds")->check(CLI::Range(5, 3600))->capture_default_str();
  c->add_flag("--dry-run", cargs->dry_run, "Show the threshold, write nothing");
  c->callback([&exit_code, cargs] { exit_code = guarded([&] { return calibrate(*cargs); }); });

  add_liveness_capture_command(*cmd, exit_code);
  add_liveness_adapt_command(*cmd, exit_code);
}

}  // namespace portier
