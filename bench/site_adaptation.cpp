#include "bench/site_adaptation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/liveness_features.h"
#include "models/liveness_training.h"

namespace portier {
namespace {

struct Captures {
  std::vector<std::vector<float>> x;
  std::vector<bool> live;
  std::vector<int> block;   // the held-out block each capture belongs to
  std::vector<size_t> image;  // its index among the images
};

// Each class in input order, cut into `blocks` consecutive runs of about the same length.
Captures captures_of(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples, int blocks) {
  Captures c;
  for (const bool live : {true, false}) {
    std::vector<size_t> mine;
    for (size_t i = 0; i < images.size(); ++i)
      if (images[i].live == live && samples[i].face_found && !samples[i].features.scene.empty()) mine.push_back(i);
    for (size_t k = 0; k < mine.size(); ++k) {
      c.x.push_back(samples[mine[k]].features.scene);
      c.live.push_back(live);
      c.block.push_back(static_cast<int>(k * static_cast<size_t>(blocks) / mine.size()));
      c.image.push_back(mine[k]);
    }
  }
  return c;
}

// Held-out margins: block b scored by a head fitted on the other blocks.
std::vector<double> held_out_margins(const Captures& c, int blocks, double svm_c, double gamma) {
  std::vector<double> margins(c.x.size(), 0.0);
  for (int b = 0; b < blocks; ++b) {
    std::vector<std::vector<float>> x;
    std::vector<bool> live;
    for (size_t i = 0; i < c.x.size(); ++i)
      if (c.block[i] != b) x.push_back(c.x[i]), live.push_back(c.live[i]);
    const KernelHead head = train_kernel_head(x, live, svm_c, gamma);
    for (size_t i = 0; i < c.x.size(); ++i)
      if (c.block[i] == b) margins[i] = head.margin(c.x[i]);
  }
  return margins;
}

std::vector<LivenessResult> results_of(const std::vector<double>& scores, const std::vector<bool>& live) {
  std::vector<LivenessResult> out;
  for (size_t i = 0; i < scores.size(); ++i) out.push_back({scores[i], live[i], true});
  return out;
}

}  // namespace

double site_threshold(double highest_attack, double live_at_max_bpcer) {
  return std::clamp(std::max(live_at_max_bpcer, std::nextafter(highest_attack, 1.0)), 1e-6, 1.0 - 1e-6);
}

SiteAdaptation adapt_to_site(const LivenessModel& base, const std::vector<LivenessImage>& images,
                             const std::vector<LivenessSample>& samples, const SiteAdaptOptions& options) {
  SiteAdaptation out;
  const Captures c = captures_of(images, samples, options.blocks);
  for (bool l : c.live) (l ? out.live : out.spoof) += 1;
  out.no_face = images.size() - c.x.size();
  const auto min = static_cast<size_t>(options.min_per_class);
  if (out.live < min || out.spoof < min)
    throw std::invalid_argument("a site model needs at least " + std::to_string(min) + " captures with a face of each class: " +
                                std::to_string(out.live) + " live and " + std::to_string(out.spoof) + " attacks (spoof) given");
  out.blocks = options.blocks;
  const double dims = static_cast<double>(scene_feature_count());

  // The kernel's settings: the lowest held-out EER, then the lowest APCER at BPCER 5%.
  std::vector<double> best_margins;
  double best_eer = 2, best_apcer = 2;
  for (const double svm_c : options.c)
    for (const double scale : options.gamma_scale) {
      auto margins = held_out_margins(c, options.blocks, svm_c, scale / dims);
      const auto report = evaluate_liveness(results_of(margins, c.live), 0.0);
      if (report.eer < best_eer || (report.eer == best_eer && report.apcer_at_bpcer_5 < best_apcer)) {
        best_eer = report.eer, best_apcer = report.apcer_at_bpcer_5;
        out.c = svm_c, out.gamma = scale / dims;
        best_margins = std::move(margins);
      }
    }

  const auto [a, b] = fit_platt(best_margins, c.live);
  std::vector<double> live_scores, scores;
  for (size_t i = 0; i < best_margins.size(); ++i) {
    scores.push_back(platt_probability(a, b, best_margins[i]));
    if (c.live[i]) live_scores.push_back(scores.back());
    else out.highest_attack = std::max(out.highest_attack, scores.back());
  }
  out.live_at_max_bpcer = threshold_at_bpcer(live_scores, options.max_bpcer);
  out.separated = out.live_at_max_bpcer > out.highest_attack;

  out.model = base;
  out.model.site = train_kernel_head(c.x, c.live, out.c, out.gamma);
  out.model.site->platt_a = a;
  out.model.site->platt_b = b;
  out.model.threshold = site_threshold(out.highest_attack, out.live_at_max_bpcer);
  out.held_out = evaluate_liveness(results_of(scores, c.live), out.model.threshold);
  // Per image, input order; an image without a face scores 0 (rejected).
  out.scores.assign(images.size(), LivenessResult{});
  for (size_t i = 0; i < images.size(); ++i) out.scores[i] = {0.0, images[i].live, false};
  for (size_t i = 0; i < c.image.size(); ++i) out.scores[c.image[i]] = {scores[i], c.live[i], true};
  return out;
}

}  // namespace portier
