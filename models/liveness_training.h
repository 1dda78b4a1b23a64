// Fitting the liveness model's parts from feature vectors. Deterministic:
// the same features in the same order give the same model, bit for bit.
#pragma once

#include <utility>
#include <vector>

#include "models/liveness_model.h"

namespace portier {

struct LivenessHyperparameters {
  double face_c = 1.0;
  double face_gamma = 1.0 / kFaceFeatureCount;  // on standardised features
  double scene_c = 0.001;
};

// x: one feature vector per sample; live: its label.
RbfHead train_face_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c, double gamma);
LinearHead train_scene_head(const std::vector<std::vector<float>>& x, const std::vector<bool>& live, double c);

// Platt (1999) scaling: a and b of p = 1 / (1 + exp(-(a m + b))), fitted by
// Newton's method on the smoothed targets Platt recommends against overfit.
std::pair<double, double> fit_platt(const std::vector<double>& margins, const std::vector<bool>& live);

}  // namespace portier
