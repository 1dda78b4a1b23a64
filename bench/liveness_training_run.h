// Cross-validated training of the liveness model, the way that predicts how
// it does on cameras, rooms and people it has never seen: one whole capture
// source is held out at a time (each NUAA session counts as one), never
// random images (neighbouring frames of one source are near copies, and a
// random split measures memory, not generalisation). The figures that
// matter are the worst source's, not the mean.
#pragma once

#include <string>
#include <vector>

#include "bench/liveness_metrics.h"
#include "bench/liveness_samples.h"
#include "models/liveness_training.h"

namespace portier {

// Consecutive frames of one subject and class (NUAA: one subject folder),
// in file-name order, cut into tracks of this many frames: what the door
// decides on is a track's median score, not one frame's.
inline constexpr int kFramesPerTrack = 5;

struct TrackFigures {
  size_t live = 0, spoof = 0;
  double apcer = 0, bpcer = 0;  // at the threshold, on each track's median score
};

// One attack type of one source: its attacks against the source's live faces.
struct AttackFigures {
  std::string attack;  // print, replay, ... as the labels' attack_type says
  size_t attacks = 0;
  double apcer = 0;  // at the threshold
  double eer = 0;
};

struct SourceFigures {
  std::string source;
  bool crops = false;         // scored by the face head alone
  LivenessReport at_threshold;  // held-out scores, by a model that never saw this source
  TrackFigures tracks;
  std::vector<AttackFigures> by_attack;  // when the labels name attack types, one per type (name order)
};

// The held-out source that does worst against one attack type (highest
// EER; the last of equals), among the sources that hold that type.
struct WorstByAttack {
  std::string attack, source;
  double eer = 0, apcer = 0;
};

struct TrainingRun {
  LivenessModel model;  // fitted on everything; Platt and thresholds from the held-out scores
  std::vector<SourceFigures> sources;
  LivenessReport pooled;  // all held-out scores at the threshold
  std::string worst_source;  // the highest held-out EER
  double worst_eer = 0;
  std::string worst_frame_source;  // the same among sources of camera frames (what a door sees)
  double worst_frame_eer = 0;
  std::vector<WorstByAttack> worst_by_attack;  // print and replay apart: a mean of both hides a failing one
  std::vector<LivenessResult> held_out;  // per image, input order
  // Every source again, scored by the face head alone (held out, at the
  // threshold): how face crops of people and cameras it never saw fare,
  // on nine sources rather than the one source of crops.
  std::vector<SourceFigures> face_sources;
  std::string worst_face_source;
  double worst_face_eer = 0;
};

// target_bpcer > 0: the threshold rejects that share of the held-out live
// faces; 0: it sits where the held-out APCER and BPCER meet. Either way every
// source counts the same (one with thirty times the frames does not decide). Throws std::invalid_argument with fewer
// than two sources, or without full frames or both classes.
TrainingRun train_liveness_model(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                                 const LivenessHyperparameters& hyper, double target_bpcer);

// The threshold below which `share` of the live scores fall, each group
// (source) weighing the same whatever its size.
double balanced_threshold_at_bpcer(const std::vector<double>& scores, const std::vector<std::string>& groups, double share);

// The worst source for each attack type the figures hold (name order).
std::vector<WorstByAttack> worst_by_attack(const std::vector<SourceFigures>& figures);

// The figures of each source (sorted by name) at the threshold, from one
// score per image (input order).
std::vector<SourceFigures> figures_by_source(const std::vector<LivenessImage>& images,
                                             const std::vector<LivenessResult>& results, double threshold);

// Track-level rates (kFramesPerTrack consecutive frames of one subject and
// class in name order; a track's score is the median of its frames'; a track
// with no face found is rejected).
TrackFigures track_figures(const std::vector<LivenessImage>& images, const std::vector<LivenessResult>& results,
                           double threshold);

}  // namespace portier
