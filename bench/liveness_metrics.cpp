#include "bench/liveness_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace portier {

LivenessReport evaluate_liveness(const std::vector<LivenessResult>& results, double threshold) {
  LivenessReport r;
  r.images = results.size();
  r.threshold = threshold;
  size_t live_missing = 0;
  std::vector<double> live_scores, spoof_scores;
  for (const auto& x : results) {
    (x.live ? r.live : r.spoof) += 1;
    if (!x.face_found) {
      ++r.no_face;
      live_missing += x.live;
      continue;
    }
    (x.live ? live_scores : spoof_scores).push_back(x.score);
  }
  auto apcer_at = [&](double t) {
    if (r.spoof == 0) return 0.0;
    return static_cast<double>(std::count_if(spoof_scores.begin(), spoof_scores.end(), [t](double s) { return s >= t; })) /
           static_cast<double>(r.spoof);
  };
  auto bpcer_at = [&](double t) {
    if (r.live == 0) return 0.0;
    const auto rejected = std::count_if(live_scores.begin(), live_scores.end(), [t](double s) { return s < t; });
    return static_cast<double>(static_cast<size_t>(rejected) + live_missing) / static_cast<double>(r.live);
  };
  r.apcer = apcer_at(threshold);
  r.bpcer = bpcer_at(threshold);
  r.acer = (r.apcer + r.bpcer) / 2;

  std::vector<double> thresholds = live_scores;
  thresholds.insert(thresholds.end(), spoof_scores.begin(), spoof_scores.end());
  thresholds.push_back(std::numeric_limits<double>::infinity());
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  double best_gap = std::numeric_limits<double>::max();
  r.apcer_at_bpcer_5 = r.apcer_at_bpcer_1 = 1.0;
  for (double t : thresholds) {
    const RocPoint p{t, apcer_at(t), bpcer_at(t)};
    r.roc.push_back(p);
    if (std::abs(p.apcer - p.bpcer) < best_gap) {
      best_gap = std::abs(p.apcer - p.bpcer);
      r.eer = (p.apcer + p.bpcer) / 2;
    }
    if (p.bpcer <= 0.05) r.apcer_at_bpcer_5 = std::min(r.apcer_at_bpcer_5, p.apcer);
    if (p.bpcer <= 0.01) r.apcer_at_bpcer_1 = std::min(r.apcer_at_bpcer_1, p.apcer);
  }
  return r;
}

double threshold_at_bpcer(std::vector<double> live_scores, double bpcer) {
  if (live_scores.empty()) return 0.5;
  std::sort(live_scores.begin(), live_scores.end());
  // The k-th lowest live score, so that k of n (at most bpcer) fall below it.
  const auto k = static_cast<size_t>(std::floor(bpcer * static_cast<double>(live_scores.size())));
  return live_scores[std::min(k, live_scores.size() - 1)];
}

}  // namespace portier
