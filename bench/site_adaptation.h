// Fitting the liveness model to one door's camera from that camera's own
// captures: live faces of the people who use the door and a few attacks made
// there (a printed photo, a phone). What fails across cameras and rooms works
// within one, where the lens, the light and the background are fixed.
//
// The captures are few and the threshold must be chosen on them, so every
// figure here is cross-validated: each class is cut, in the order given,
// into consecutive blocks (a block is a moment, usually one person or one
// attack instrument), and each block is scored by a head fitted without it.
// The kernel's settings, Platt's mapping and the threshold come from those
// held-out scores only; the shipped head's own scores on the site were
// chosen on other rooms and are not used.
#pragma once

#include <vector>

#include "bench/liveness_metrics.h"
#include "bench/liveness_samples.h"
#include "models/liveness_model.h"

namespace portier {

struct SiteAdaptOptions {
  std::vector<double> c = {1.0, 10.0};                  // the SVM's C, tried in turn
  std::vector<double> gamma_scale = {0.25, 1.0, 4.0};   // gamma = scale / feature count, tried in turn
  int blocks = 5;                                       // consecutive blocks per class
  // The threshold may reject at most this share of the held-out live
  // captures, unless that would let a held-out attack through.
  double max_bpcer = 0.05;
  int min_per_class = 10;  // captures with a face, of each class
};

struct SiteAdaptation {
  LivenessModel model;  // the base model with the site head, its Platt mapping and its threshold
  double c = 0, gamma = 0;
  size_t live = 0, spoof = 0, no_face = 0;
  int blocks = 0;
  LivenessReport held_out;            // the cross-validated scores at the chosen threshold
  std::vector<LivenessResult> scores;  // per image, input order (cross-validated)
  double highest_attack = 0;           // the highest held-out attack score
  double live_at_max_bpcer = 0;        // the live score max_bpcer of the held-out live captures fall below
  bool separated = false;              // every held-out attack scored below that live quantile
};

// Throws std::invalid_argument, saying what is missing, with fewer than
// `min_per_class` captures with a face of either class.
SiteAdaptation adapt_to_site(const LivenessModel& base, const std::vector<LivenessImage>& images,
                             const std::vector<LivenessSample>& samples, const SiteAdaptOptions& options);

// The threshold rule, on held-out scores: the live quantile (max_bpcer of
// the live captures fall under it) when every attack scores below it, the
// whole live budget spent on a margin against attacks to come; otherwise
// just above the highest attack, so that no attack seen at this door would
// pass, whatever it costs the live faces. (Halfway between the two let 10%
// of another person's prints through on NUAA, where at the live quantile
// none passed: docs/liveness.md.)
double site_threshold(double highest_attack, double live_at_max_bpcer);

}  // namespace portier
