// portier eval impostors: the curves the acceptance rule is derived from.
// Every image is described twice, as the gallery sees it (an enrolment photo)
// and as a probe (a camera frame); every gallery-probe pair of different
// identities is an impostor trial, every pair of one identity's different
// images a genuine one. Written as access/acceptance_rule.h reads it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "access/atomic_file.h"
#include "app/command_context.h"
#include "app/progress_bar.h"
#include "bench/identification.h"
#include "models/image_io.h"

namespace portier {
namespace {

struct ImpostorArgs {
  std::string config, root, labels, out;
};

// Distance quantiles: for each rate r of a log grid, the distance below which
// that share of the trials fall. Four decimals: a rebuild on the same data
// gives the same file.
nlohmann::json curve(std::vector<float> d, double lowest) {
  std::sort(d.begin(), d.end());
  nlohmann::json points = nlohmann::json::array();
  for (double r = lowest; r < 1.0; r *= std::pow(10.0, 0.1)) {
    const auto k = static_cast<size_t>(r * static_cast<double>(d.size()));
    if (k >= d.size()) break;
    points.push_back({std::round(r * 1e10) / 1e10, std::round(d[k] * 1e4) / 1e4});
  }
  return points;
}

int eval_impostors(const ImpostorArgs& args) {
  const Config config = prepare(args.config);
  std::vector<IdentityImage> images;
  try {
    images = read_identity_labels(args.labels);
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
  FaceModels stills = load_face_models(config.models, ImageKind::Stills);
  ModelOptions every_frame = config.models;
  every_frame.live_fallback_every = std::min(every_frame.live_fallback_every, 1);
  FaceModels live = load_face_models(every_frame, ImageKind::LiveFrames);

  struct Described {
    std::string identity;
    std::optional<Embedding> gallery, probe;
  };
  std::vector<Described> all;
  {
    ProgressBar progress("describing", images.size());
    for (const auto& image : images) {
      progress.step(image.path);
      auto loaded = load_bgr_image(std::filesystem::path(args.root) / image.path);
      if (auto* why = std::get_if<std::string>(&loaded)) throw CommandError(kExitBadInput, *why);
      all.push_back({image.identity, describe_central_face(stills, std::get<cv::Mat>(loaded)),
                     describe_central_face(live, std::get<cv::Mat>(loaded))});
    }
  }
  std::vector<float> impostor, genuine;
  for (size_t g = 0; g < all.size(); ++g) {
    if (!all[g].gallery) continue;
    for (size_t p = 0; p < all.size(); ++p) {
      if (p == g || !all[p].probe) continue;
      const float d = embedding_distance(*all[g].gallery, *all[p].probe);
      (all[g].identity == all[p].identity ? genuine : impostor).push_back(d);
    }
  }
  if (impostor.size() < 1000 || genuine.size() < 100)
    throw CommandError(kExitBadInput, "labels file " + args.labels + ": too few trials for a curve (" +
                                          std::to_string(impostor.size()) + " impostor, " +
                                          std::to_string(genuine.size()) + " genuine; need 1000 and 100)");
  const nlohmann::json out{
      {"format", "portier-impostor-curve-1"},
      {"what", "1:1 distances between an enrolment photo's descriptor (still path) and a camera frame's (live path)"},
      {"labels", std::filesystem::path(args.labels).filename().string()},
      {"impostor_trials", impostor.size()},
      {"genuine_trials", genuine.size()},
      // [rate, distance]: a share `rate` of impostor trials are closer than `distance` (FMR)
      {"impostor", curve(impostor, 1.0 / static_cast<double>(impostor.size()))},
      // [rate, distance]: a share `rate` of genuine trials are closer than `distance` (1 - FNMR)
      {"genuine", curve(genuine, 1.0 / static_cast<double>(genuine.size()))}};
  if (auto why = write_file_atomically(args.out, out.dump(1) + '\n')) throw CommandError(kExitFailure, *why);
  std::printf("impostor trials  %zu\ngenuine trials   %zu\nwritten          %s\n", impostor.size(), genuine.size(),
              args.out.c_str());
  return kExitOk;
}

}  // namespace

void add_eval_impostors_command(CLI::App& eval, int& exit_code) {
  auto* cmd = eval.add_subcommand("impostors", "Measure the impostor and genuine distance curves the acceptance rule uses");
  auto args = std::make_shared<ImpostorArgs>();
  cmd->add_option("--config", args->config, "Config file");
  cmd->add_option("--root", args->root, "Folder the image paths are relative to")->required();
  cmd->add_option("--out", args->out, "Where to write the curves (JSON)")->required();
  cmd->add_option("LABELS", args->labels, "CSV 'path,identity' (header optional)")->required();
  cmd->callback([&exit_code, args] { exit_code = guarded([&] { return eval_impostors(*args); }); });
}

}  // namespace portier
