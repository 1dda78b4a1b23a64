// portier eval pairs: face verification accuracy the LFW way, through exactly
// the detector, aligner and embedder the service uses.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command_context.h"
#include "app/progress_bar.h"
#include "app/recognition_setup.h"
#include "bench/pairs_file.h"
#include "bench/verification_metrics.h"
#include "models/image_io.h"
#include "pipeline/stage_timings.h"

namespace portier {
namespace {

int eval_pairs(const std::string& config_flag, const std::string& root, const std::string& pairs_path, bool json) {
  const Config config = prepare(config_flag);
  std::vector<ImagePair> pairs;
  try {
    pairs = read_pairs_file(pairs_path);
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
  FaceModels models = load_face_models(config.models, ImageKind::Stills);

  // Each image once: the face nearest the centre, or nothing.
  std::map<std::string, std::optional<Embedding>> described;
  for (const auto& p : pairs) described.emplace(p.first, std::nullopt), described.emplace(p.second, std::nullopt);
  size_t not_detected = 0;
  {
    ProgressBar progress("describing", described.size());
    for (auto& [relative, embedding] : described) {
      progress.step(relative);
      auto loaded = load_bgr_image(std::filesystem::path(root) / relative);
      if (auto* why = std::get_if<std::string>(&loaded)) throw CommandError(kExitBadInput, *why);
      embedding = describe_central_face(models, std::get<cv::Mat>(loaded));
      if (!embedding) ++not_detected;
    }
  }

  std::vector<PairScore> scores;
  for (const auto& p : pairs) {
    const auto& a = described.at(p.first);
    const auto& b = described.at(p.second);
    scores.push_back({a && b ? embedding_distance(*a, *b) : 0.0, p.same, a && b});
  }
  const auto r = evaluate_verification(scores);
  std::vector<double> genuine, impostor;
  for (const auto& s : scores)
    if (s.detected) (s.same ? genuine : impostor).push_back(s.distance);

  std::printf("pairs            %zu (%zu images, %zu without a detected face)\n", r.pairs, described.size(), not_detected);
  std::printf("accuracy         %.4f +- %.4f (10-fold)\n", r.accuracy, r.accuracy_std);
  std::printf("TAR @ FAR=1e-3   %.4f\n", r.tar_at_far_1e3);
  std::printf("genuine dist     p50 %.3f  p95 %.3f  max %.3f\n", percentile(genuine, 50), percentile(genuine, 95),
              percentile(genuine, 100));
  std::printf("impostor dist    min %.3f  p5 %.3f  p50 %.3f\n", percentile(impostor, 0), percentile(impostor, 5),
              percentile(impostor, 50));
  std::printf("EER              %.4f\n", r.eer);
  std::printf("best threshold   %.4f (the service's rule for one enrolled face: %.3f)\n", r.best_threshold,
              RecognitionSetup(config).rule_for({1, 1}).threshold);
  if (json) {
    const nlohmann::json out{{"pairs", r.pairs},
                             {"accuracy", r.accuracy},
                             {"accuracy_std", r.accuracy_std},
                             {"tar_at_far_1e-3", r.tar_at_far_1e3},
                             {"eer", r.eer},
                             {"not_detected", not_detected},
                             {"best_threshold", r.best_threshold}};
    std::printf("%s\n", out.dump().c_str());
  }
  return kExitOk;
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto* eval = app.add_subcommand("eval", "Measure recognition accuracy");
  eval->require_subcommand(1);
  auto* pairs = eval->add_subcommand("pairs", "Verification accuracy over image pairs (LFW protocol)");
  auto config = std::make_shared<std::string>();
  auto root = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  pairs->add_option("--config", *config, "Config file");
  pairs->add_option("--root", *root, "Folder the image paths are relative to")->required();
  pairs->add_flag("--json", *json, "End stdout with one JSON object");
  pairs->add_option("PAIRS", *file, "Lines 'img1 img2 same'")->required();
  pairs->callback([&exit_code, config, root, file, json] {
    exit_code = guarded([&] { return eval_pairs(*config, *root, *file, *json); });
  });
  add_eval_liveness_command(*eval, exit_code);
  add_eval_identify_command(*eval, exit_code);
  add_eval_rule_command(*eval, exit_code);
  add_eval_impostors_command(*eval, exit_code);
}

}  // namespace portier
