#include "bench/verification_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace portier {
namespace {

double accuracy_at(const std::vector<PairScore>& pairs, double threshold) {
  if (pairs.empty()) return 0.0;
  size_t correct = 0;
  for (const auto& p : pairs)
    if (p.detected && (p.distance < threshold) == p.same) ++correct;
  return static_cast<double>(correct) / static_cast<double>(pairs.size());
}

}  // namespace

double best_accuracy_threshold(const std::vector<PairScore>& pairs) {
  std::vector<const PairScore*> scored;
  for (const auto& p : pairs)
    if (p.detected) scored.push_back(&p);
  if (scored.empty()) return 0.0;
  std::sort(scored.begin(), scored.end(), [](auto* a, auto* b) { return a->distance < b->distance; });
  // Sweep: threshold just above scored[i] accepts pairs 0..i as "same".
  long correct = std::count_if(scored.begin(), scored.end(), [](auto* p) { return !p->same; });
  long best = correct;
  double best_threshold = scored.front()->distance - 1e-6;
  for (size_t i = 0; i < scored.size(); ++i) {
    correct += scored[i]->same ? 1 : -1;
    const bool boundary = i + 1 == scored.size() || scored[i + 1]->distance > scored[i]->distance;
    if (boundary && correct > best) {
      best = correct;
      best_threshold = i + 1 < scored.size() ? (scored[i]->distance + scored[i + 1]->distance) / 2.0
                                             : scored[i]->distance + 1e-6;
    }
  }
  return best_threshold;
}

VerificationReport evaluate_verification(const std::vector<PairScore>& pairs, int folds) {
  VerificationReport r;
  r.pairs = pairs.size();
  if (pairs.empty()) return r;
  const size_t n = pairs.size();
  for (int k = 0; k < folds; ++k) {
    const size_t begin = n * static_cast<size_t>(k) / static_cast<size_t>(folds);
    const size_t end = n * static_cast<size_t>(k + 1) / static_cast<size_t>(folds);
    if (begin == end) continue;
    std::vector<PairScore> train(pairs.begin(), pairs.begin() + static_cast<long>(begin));
    train.insert(train.end(), pairs.begin() + static_cast<long>(end), pairs.end());
    const std::vector<PairScore> test(pairs.begin() + static_cast<long>(begin), pairs.begin() + static_cast<long>(end));
    const double threshold = best_accuracy_threshold(train.empty() ? test : train);
    r.fold_threshold.push_back(threshold);
    r.fold_accuracy.push_back(accuracy_at(test, threshold));
  }
  double sum = 0.0;
  for (double a : r.fold_accuracy) sum += a;
  r.accuracy = sum / static_cast<double>(r.fold_accuracy.size());
  double var = 0.0;
  for (double a : r.fold_accuracy) var += (a - r.accuracy) * (a - r.accuracy);
  r.accuracy_std = std::sqrt(var / static_cast<double>(r.fold_accuracy.size()));
  r.best_threshold = best_accuracy_threshold(pairs);

  std::vector<double> genuine, impostor;  // undetected: +inf, rejected at any threshold
  for (const auto& p : pairs)
    (p.same ? genuine : impostor).push_back(p.detected ? p.distance : std::numeric_limits<double>::infinity());
  std::sort(genuine.begin(), genuine.end());
  std::sort(impostor.begin(), impostor.end());
  auto accepted = [](const std::vector<double>& sorted, double t) {
    return static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), t) - sorted.begin());
  };
  if (!genuine.empty() && !impostor.empty()) {
    // Largest threshold whose false accepts stay within FAR 1e-3.
    const size_t allowed = static_cast<size_t>(std::floor(1e-3 * static_cast<double>(impostor.size())));
    const double t = impostor[std::min(allowed, impostor.size() - 1)];
    r.tar_at_far_1e3 = accepted(genuine, t) / static_cast<double>(genuine.size());

    std::vector<double> candidates = genuine;
    candidates.insert(candidates.end(), impostor.begin(), impostor.end());
    double best_gap = std::numeric_limits<double>::max();
    for (double c : candidates) {
      if (!std::isfinite(c)) continue;
      const double t2 = std::nextafter(c, std::numeric_limits<double>::infinity());
      const double far = accepted(impostor, t2) / static_cast<double>(impostor.size());
      const double frr = 1.0 - accepted(genuine, t2) / static_cast<double>(genuine.size());
      if (std::abs(far - frr) < best_gap) {
        best_gap = std::abs(far - frr);
        r.eer = (far + frr) / 2.0;
      }
    }
  }
  return r;
}

}  // namespace portier
