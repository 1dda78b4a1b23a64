#pragma once

#include <cstddef>
#include <vector>

namespace portier {

struct PairScore {
  double distance = 0.0;
  bool same = false;
  bool detected = true;  // false: an image of the pair had no face (always an error)
};

struct VerificationReport {
  size_t pairs = 0;
  double accuracy = 0.0;      // mean over the 10 folds
  double accuracy_std = 0.0;  // population std over the folds
  double tar_at_far_1e3 = 0.0;
  double eer = 0.0;
  double best_threshold = 0.0;  // maximises accuracy over all pairs
  std::vector<double> fold_accuracy;
  std::vector<double> fold_threshold;
};

// The LFW protocol: the pairs in file order are cut into 10 consecutive folds;
// for each, the threshold that maximises accuracy on the other nine is applied
// to it. A pair is "same" when distance < threshold. Pairs with an undetected
// face count as errors at every threshold; for TAR and EER they are rejections.
VerificationReport evaluate_verification(const std::vector<PairScore>& pairs, int folds = 10);

// The threshold that maximises accuracy over `pairs` (midpoint between
// neighbouring distances).
double best_accuracy_threshold(const std::vector<PairScore>& pairs);

}  // namespace portier
