// Cross-validated training of the liveness model, the way that predicts how
// it does on capture sessions it has never seen: whole sessions are held out,
// never random images (neighbouring frames of one session are near copies,
// and a random split measures memory, not generalisation).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/liveness_metrics.h"
#include "bench/liveness_samples.h"
#include "models/liveness_training.h"

namespace portier {

// The fold of each image: NUAA-style names are grouped by their capture
// session (one fold per session); other files, per top-level folder and
// label, are cut into as many contiguous blocks (file-name order), so that
// neighbouring frames of one clip stay on one side.
std::vector<int> assign_folds(const std::vector<LivenessImage>& images, int* folds);

// The heads fitted on the given samples (those with a face found); the
// scene head on those with context. Platt scaling and thresholds are left
// at their defaults.
LivenessModel fit_liveness_heads(const std::vector<LivenessSample>& samples, const std::vector<LivenessImage>& images,
                                 const std::vector<size_t>& rows, const LivenessHyperparameters& hyper);

struct FoldFigures {
  std::string held_out;  // what the fold held out, for the report
  LivenessReport at_threshold;
  double calibrated_apcer = 0;  // APCER at 5% BPCER with the threshold set on this fold's live scores
};

struct TrainingRun {
  LivenessModel model;  // fitted on everything, Platt and threshold from the held-out scores
  std::vector<FoldFigures> folds;
  LivenessReport pooled;                                   // all held-out scores at the chosen threshold
  std::vector<std::pair<std::string, LivenessReport>> by_folder;  // the same, per top-level folder
  std::vector<LivenessResult> held_out;                    // per image, input order
};

// target_bpcer: the threshold rejects that share of the held-out live faces.
TrainingRun train_liveness_model(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                                 const LivenessHyperparameters& hyper, double target_bpcer);

}  // namespace portier
