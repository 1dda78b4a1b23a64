// portier liveness adapt: a liveness model fitted to this door's camera from
// its own captures (live faces, and attacks made there), written where the
// service reads it (docs/liveness.md, "Site adaptation").
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/atomic_file.h"
#include "access/time_format.h"
#include "app/command_context.h"
#include "app/liveness_setup.h"
#include "app/progress_bar.h"
#include "bench/site_adaptation.h"
#include "models/face_models.h"
#include "models/model_files.h"

namespace portier {
namespace {

struct AdaptArgs {
  std::string config, root, labels, out;
  bool json = false;
};

LabelledSamples site_samples(const AdaptArgs& args, const Config& config, const TextureStem& stem) {
  // The still-image detector: the same answer for an image on any thread, so
  // the same captures make the same model.
  const auto detector = make_still_detector(config.models);
  try {
    ProgressBar progress("features", 0);
    return labelled_samples(args.root, args.labels, [](const std::string&) { return false; }, *detector, stem,
                            {2, 0, 1}, [&](size_t total, const std::string& path) { progress.step(path, total); });
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
}

void print_adaptation(const SiteAdaptation& a, const SiteAdaptOptions& options) {
  std::printf("captures          %zu live and %zu attacks with a face; %zu without a face (left out)\n", a.live, a.spoof,
              a.no_face);
  std::printf("cross-validation  each class cut into %d consecutive blocks, each scored by a head fitted without it\n",
              a.blocks);
  std::printf("kernel            RBF SVM, C %g, gamma %.3g (the lowest held-out EER of %zu settings)\n", a.c, a.gamma,
              options.c.size() * options.gamma_scale.size());
  std::printf("held out          EER %.4f; the highest attack scores %.4f, %.0f%% of live captures score under %.4f\n",
              a.held_out.eer, a.highest_attack, options.max_bpcer * 100, a.live_at_max_bpcer);
  std::printf("threshold         %.4f: held out, APCER %.4f, BPCER %.4f\n", a.model.threshold, a.held_out.apcer,
              a.held_out.bpcer);
  if (!a.separated)
    std::printf("warning           some held-out attacks score like live faces: the threshold lets none of them through "
                "and refuses %.0f%% of these live captures. Capture more live faces (more people, the door's usual "
                "light) and check the labels, then adapt again\n",
                a.held_out.bpcer * 100);
}

nlohmann::json adaptation_json(const SiteAdaptation& a) {
  return {{"live", a.live},
          {"spoof", a.spoof},
          {"no_face", a.no_face},
          {"blocks", a.blocks},
          {"c", a.c},
          {"gamma", a.gamma},
          {"threshold", a.model.threshold},
          {"apcer", a.held_out.apcer},
          {"bpcer", a.held_out.bpcer},
          {"eer", a.held_out.eer},
          {"highest_attack", a.highest_attack},
          {"live_at_max_bpcer", a.live_at_max_bpcer},
          {"separated", a.separated}};
}

int adapt(const AdaptArgs& args) {
  const Config config = prepare(args.config, ModelCheck::FaceModelsOnly);
  // The shipped (or configured) model underneath: its face head still scores
  // face crops, and it is what the site model falls back to nowhere else.
  auto base = load_liveness_model(config.liveness.model, config.liveness.model_sha256);
  if (auto* why = std::get_if<std::string>(&base)) throw CommandError(kExitBadInput, "key 'liveness.model': " + *why);
  const TextureStem stem(resnet_stem_weights(config.models.dir / kResnetModel.name));
  const LabelledSamples data = site_samples(args, config, stem);

  const SiteAdaptOptions options;
  SiteAdaptation a;
  try {
    a = adapt_to_site(std::get<LivenessModel>(base), data.images, data.samples, options);
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, args.labels + ": " + e.what());
  }
  print_adaptation(a, options);

  const std::filesystem::path out = args.out.empty() ? config.liveness.site_model_file : std::filesystem::path(args.out);
  a.model.training["site_adaptation"] = adaptation_json(a);
  a.model.training["site_adaptation"]["command"] = "portier liveness adapt --root " + args.root + " " + args.labels;
  a.model.training["site_adaptation"]["base_model_sha256"] = config.liveness.model_sha256;
  a.model.training["site_adaptation"]["images"] = data.images.size();
  if (std::error_code ec; !out.parent_path().empty()) std::filesystem::create_directories(out.parent_path(), ec);
  if (auto why = write_file_atomically(out, liveness_model_text(a.model))) throw CommandError(kExitFailure, *why);
  const auto sha = sha256_of_file(out).value_or("?");
  std::printf("wrote             %s\n  sha256 %s\n", out.c_str(), sha.c_str());
  if (args.out.empty())
    std::printf("  in force at the service's next start; to pin it: [liveness] site_model_sha256 = \"%s\"\n", sha.c_str());
  else
    std::printf("  to measure it: portier eval liveness --model %s ...; to use it: [liveness] site_model = \"%s\"\n",
                out.c_str(), out.c_str());
  if (args.json) {
    nlohmann::json j = adaptation_json(a);
    j["images"] = data.images.size();
    j["model"] = out.string();
    j["sha256"] = sha;
    std::printf("%s\n", j.dump().c_str());
  }
  return kExitOk;
}

}  // namespace

void add_liveness_adapt_command(CLI::App& liveness, int& exit_code) {
  auto* a = liveness.add_subcommand(
      "adapt", "Fit a liveness model to this door's camera from its own captures of live faces and attacks");
  auto args = std::make_shared<AdaptArgs>();
  a->add_option("--config", args->config, "Config file");
  a->add_option("--root", args->root, "Folder the image paths are relative to")->required();
  a->add_option("--out", args->out, "Model file to write (default: liveness.site_model, where the service reads it)");
  a->add_flag("--json", args->json, "End stdout with one JSON object");
  a->add_option("LABELS", args->labels, "CSV with columns path,label (live or spoof) of captures from this one camera")
      ->required();
  a->callback([&exit_code, args] { exit_code = guarded([&] { return adapt(*args); }); });
}

}  // namespace portier
