// portier eval identify: open-set 1:N identification (NIST FRTE style)
// through the service's own detection, alignment, embedding, index and
// acceptance rule. The protocol is bench/identification.h's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/embedding_index.h"
#include "access/lookalikes.h"
#include "app/command_context.h"
#include "app/progress_bar.h"
#include "app/recognition_setup.h"
#include "bench/identification.h"
#include "models/image_io.h"

namespace portier {
namespace {

struct IdentifyArgs {
  std::string config, root, labels, scores;
  bool json = false;
  bool live_probes = false;
  std::optional<size_t> gallery;
  std::uint64_t seed = 1;
  size_t score_from = kMinUsersForScore;
  EnrolmentPhotos photos;
};

// What `eval identify` found, for its report.
struct IdentifyOutcome {
  IdentificationReport threshold_free;  // on what the service compares (the score, or the distance)
  IdentificationReport at_rule;         // by the service's own rule
  AcceptanceRule rule;
  size_t failed_to_enrol = 0, photos_without_face = 0, users = 0, embeddings = 0, lookalike_pairs = 0;
};

void report_identify(const IdentifyArgs& args, const IdentifyOutcome& o) {
  std::printf("enrolled         %zu identities with %zu %s each (%zu identities and %zu photos without a detected face)\n",
              o.threshold_free.enrolled, args.photos.enrol, args.photos.enrol == 1 ? "photo" : "photos", o.failed_to_enrol,
              o.photos_without_face);
  std::printf("probes           %zu mated, %zu non-mated (%zu without a detected face)\n", o.threshold_free.mated, o.threshold_free.non_mated,
              o.threshold_free.not_detected);
  std::printf("rank-1           %.4f\n", o.threshold_free.rank1);
  const char* compared = o.rule.score_threshold ? "score" : "distance";
  std::printf("FNIR @ FPIR 1e-2 %.4f  (%s below %.4f)\n", o.threshold_free.fnir_at_fpir_1e2, compared, o.threshold_free.threshold_at_fpir_1e2);
  std::printf("FNIR @ FPIR 1e-3 %.4f  (%s below %.4f)\n", o.threshold_free.fnir_at_fpir_1e3, compared, o.threshold_free.threshold_at_fpir_1e3);
  if (o.rule.score_threshold)
    std::printf("distance alone   FNIR @ FPIR 1e-2 %.4f, @ 1e-3 %.4f  (for comparison: the score is nearest - "
                "(runner-up - nearest))\n",
                o.at_rule.fnir_at_fpir_1e2, o.at_rule.fnir_at_fpir_1e3);
  std::printf("at the rule      FNIR %.4f  FPIR %.4f  (%s: %s for %zu users, %zu embeddings)\n",
              o.at_rule.fnir_at_rule, o.at_rule.fpir_at_rule, describe_rule(o.rule).c_str(),
              o.rule.derived ? "decision.max_fpir" : "decision.threshold", o.users, o.embeddings);
  const size_t pairs = o.lookalike_pairs;
  std::printf("look-alikes      %zu enrolled pairs nearer than %.3f (%zu users within a narrower radius)\n", pairs,
              lookalike_distance(o.rule), o.rule.user_threshold.size());
  if (args.json) {
    // The fixed keys: FNIR at FPIR on what the service compares (the score,
    // or the distance under a fixed decision.threshold), and at its rule.
    const nlohmann::json out{{"enrolled", o.threshold_free.enrolled},
                             {"mated", o.threshold_free.mated},
                             {"non_mated", o.threshold_free.non_mated},
                             {"rank1", o.threshold_free.rank1},
                             {"fnir_at_fpir_1e-2", o.threshold_free.fnir_at_fpir_1e2},
                             {"fnir_at_fpir_1e-3", o.threshold_free.fnir_at_fpir_1e3},
                             {"threshold_at_fpir_1e-3", o.threshold_free.threshold_at_fpir_1e3},
                             {"fnir_at_threshold", o.at_rule.fnir_at_rule},
                             {"fpir_at_threshold", o.at_rule.fpir_at_rule},
                             {"not_detected", o.threshold_free.not_detected},
                             {"compared", compared},
                             {"distance_fnir_at_fpir_1e-3", o.at_rule.fnir_at_fpir_1e3},
                             {"lookalike_pairs", pairs}};
    std::printf("%s\n", out.dump().c_str());
  }
}

int eval_identify(const IdentifyArgs& args) {
  const Config config = prepare(args.config);
  IdentificationProtocol protocol;
  try {
    protocol = make_identification_protocol(read_identity_labels(args.labels), args.gallery, args.seed, args.photos);
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
  if (protocol.enrolled.empty())
    throw CommandError(kExitBadInput, fmt::format("labels file {}: no identity has {} images, so none is enrolled",
                                                  args.labels, args.photos.probe_from + 1));
  // The gallery is enrolled as `portier enroll` does (the still path). The
  // probes take it too, or with --live-probes the path of a camera frame.
  FaceModels stills = load_face_models(config.models, ImageKind::Stills);
  std::optional<FaceModels> live;
  if (args.live_probes) {
    ModelOptions every_frame = config.models;
    // Each probe is a new scene: its retry runs on it, as it would on one of
    // the frames a visitor stands in front of the camera for.
    every_frame.live_fallback_every = std::min(every_frame.live_fallback_every, 1);
    live = load_face_models(every_frame, ImageKind::LiveFrames);
  }

  // Each image once: the face nearest the centre, as `eval pairs` does.
  const size_t total = protocol.enrolled.size() + protocol.mated.size() + protocol.non_mated.size();
  ProgressBar progress("describing", total);
  auto describe = [&](const IdentityImage& image, FaceModels& models) -> std::optional<Embedding> {
    progress.step(image.path);
    auto loaded = load_bgr_image(std::filesystem::path(args.root) / image.path);
    if (auto* why = std::get_if<std::string>(&loaded)) throw CommandError(kExitBadInput, *why);
    return describe_central_face(models, std::get<cv::Mat>(loaded));
  };

  // Each enrolment photo is one more embedding of its user, as each photo
  // `portier enroll` takes is; an identity none of whose photos shows a face
  // is not enrolled, and its mated probes stay mated: each is a miss.
  EmbeddingIndex index;
  std::map<std::string, std::int64_t> user_of;
  size_t photos_without_face = 0;
  for (const auto& image : protocol.enrolled) {
    const auto embedding = describe(image, stills);
    if (!embedding) {
      ++photos_without_face;
      continue;
    }
    const auto [it, added] = user_of.try_emplace(image.identity, static_cast<std::int64_t>(user_of.size() + 1));
    index.add(it->second, image.identity, *embedding);
  }
  const size_t failed_to_enrol = protocol.identities - user_of.size();

  std::ofstream scores;
  if (!args.scores.empty()) {
    scores.open(args.scores);
    if (!scores) throw CommandError(kExitFailure, "cannot write " + args.scores);
    scores << "path,identity,mated,detected,nearest_is_own,nearest,runner_up,nearest_identity\n";
  }
  std::vector<ProbeSearch> probes;
  auto search = [&](const IdentityImage& image, bool mated) {
    ProbeSearch p;
    p.mated = mated;
    std::string nearest_identity;
    if (const auto embedding = describe(image, live ? *live : stills)) {
      p.detected = true;
      const auto found = index.nearest_users(*embedding, 2);
      if (!found.empty()) {
        p.nearest = found[0].distance;
        p.nearest_user = found[0].user_id;
        nearest_identity = found[0].name;
        p.nearest_is_own = mated && found[0].name == image.identity;
        p.runner_up = found.size() > 1 ? found[1].distance : std::numeric_limits<float>::infinity();
      } else {
        p.detected = false;  // nothing enrolled: as good as no face
      }
    }
    if (scores.is_open())
      scores << image.path << ',' << image.identity << ',' << mated << ',' << p.detected << ',' << p.nearest_is_own << ','
             << p.nearest << ',' << p.runner_up << ',' << nearest_identity << '\n';
    probes.push_back(p);
  };
  for (const auto& image : protocol.mated) search(image, true);
  for (const auto& image : protocol.non_mated) search(image, false);

  // The service's own rule for the gallery just enrolled, as the decide
  // stage applies it: the nearest user's distance and its lead over the
  // runner-up, each look-alike within their own narrower radius.
  const auto nearest_others = index.nearest_other_users();
  const auto rule =
      with_lookalikes(RecognitionSetup(config).rule_for({index.users(), index.size()}, args.score_from), nearest_others);
  const auto runner_up = [](const ProbeSearch& p) {
    return std::isfinite(p.runner_up) ? std::optional<double>(p.runner_up) : std::nullopt;
  };
  const auto by_distance = evaluate_identification(
      probes, protocol.identities, [&](const ProbeSearch& p) { return rule.accepts(p.nearest_user, p.nearest, runner_up(p)); });
  // Threshold-free figures on what the service compares: the score when the
  // rule weighs one, else the distance. (The rule's distance bound is left
  // out: a threshold-free figure asks how well the score alone ranks.)
  std::vector<ProbeSearch> scored = probes;
  if (rule.score_threshold)
    for (auto& p : scored)
      if (const auto other = runner_up(p)) p.nearest = static_cast<float>(normalised_score(p.nearest, *other));
  const auto r = evaluate_identification(scored, protocol.identities,
                                         [](const ProbeSearch&) { return false; });
  report_identify(args, {r, by_distance, rule, failed_to_enrol, photos_without_face, index.users(), index.size(),
                          lookalike_pairs(nearest_others, rule).size()});
  return kExitOk;
}

}  // namespace

void add_eval_identify_command(CLI::App& eval, int& exit_code) {
  auto* cmd = eval.add_subcommand("identify", "Open-set 1:N identification (FNIR at fixed FPIR) over labelled images");
  auto args = std::make_shared<IdentifyArgs>();
  auto gallery = std::make_shared<size_t>(0);
  auto probes_after = std::make_shared<size_t>(0);
  cmd->add_option("--config", args->config, "Config file");
  cmd->add_option("--root", args->root, "Folder the image paths are relative to")->required();
  cmd->add_flag("--json", args->json, "End stdout with one JSON object");
  cmd->add_option("--gallery", *gallery, "Enrol only this many of the protocol's identities (seeded draw)")
      ->check(CLI::Range(size_t{1}, size_t{10000000}));
  cmd->add_option("--seed", args->seed, "Seed of the --gallery draw")->capture_default_str();
  cmd->add_option("--photos", args->photos.enrol, "Enrol each identity with its first K images (default 1)")
      ->check(CLI::Range(size_t{1}, size_t{1000}));
  cmd->add_option("--probes-after", *probes_after,
                  "Probe with each enrolled identity's images after its first N (default: --photos); compare "
                  "--photos 1, 2, 3 on the same probes with the same N")
      ->check(CLI::Range(size_t{1}, size_t{1000}));
  cmd->add_option("--score-from", args->score_from,
                  "Weigh the runner-up from this many users on, to measure the score rule where the service does not "
                  "use it (default: the service's)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{2}, size_t{10000000}));
  cmd->add_option("--scores", args->scores, "Write every probe's search (CSV) to this file");
  cmd->add_flag("--live-probes", args->live_probes,
                "Describe the probes as camera frames (no still-photo fallbacks, no mirror), the gallery as enrolment does");
  cmd->add_option("LABELS", args->labels, "CSV 'path,identity' (header optional)")->required();
  cmd->callback([&exit_code, args, gallery, probes_after, cmd] {
    if (cmd->count("--gallery")) args->gallery = *gallery;
    args->photos.probe_from = cmd->count("--probes-after") ? *probes_after : args->photos.enrol;
    exit_code = guarded([&] { return eval_identify(*args); });
  });
}

}  // namespace portier
