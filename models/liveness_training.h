// Fitting the liveness model's parts from feature vectors. Deterministic:
// the same features in the same order give the same model, bit for bit.
#pragma once

#include <utility>
#include <vector>

#include "models/liveness_model.h"

namespace portier {

struct LivenessHyperparameters {
  // The weight of the data against the L2 penalty (sample weights average 1),
  // as C in LIBLINEAR's and scikit-learn's logistic regression. Chosen by
  // leaving one source out (docs/liveness.md).
  double c = 0.003;
  // Fit the print head (liveness_model.h): every live frame against the
  // print attacks (the labels' attack_type), C 1 and gamma 1 / feature
  // count, each (source, class) cut to at most print_head_cap frames.
  bool print_head = false;
  int print_head_cap = 150;
};

// L2-regularised logistic regression on standardised features, by Newton's
// method. x: one feature vector per sample; live: its label; weight: its
// weight (e.g. so that every capture source counts the same). The bias is not
// penalised. Platt scaling is left at a = 1, b = 0. Throws
// std::invalid_argument without samples of both classes.
LogisticHead train_logistic_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live,
                                 const std::vector<double>& weight, double c);

// An RBF-kernel SVM (OpenCV's, LIBSVM's solver) on standardised features,
// each class weighing the same whatever its count; the standardiser is
// fitted on `x`. Platt scaling is left at a = 1, b = 0. Deterministic.
// Throws std::invalid_argument without samples of both classes.
KernelHead train_kernel_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c,
                             double gamma);

// Platt (1999) scaling: a and b of p = 1 / (1 + exp(-(a m + b))), fitted by
// Newton's method on the smoothed targets Platt recommends against overfit.
std::pair<double, double> fit_platt(const std::vector<double>& margins, const std::vector<bool>& live);

}  // namespace portier
