// Presentation-attack detection figures in ISO/IEC 30107-3 terms.
#pragma once

#include <cstddef>
#include <vector>

namespace portier {

struct LivenessResult {
  double score = 0.0;  // higher = more live
  bool live = false;   // ground truth
  bool face_found = true;
};

struct RocPoint {
  double threshold, apcer, bpcer;
};

struct LivenessReport {
  size_t images = 0, live = 0, spoof = 0, no_face = 0;
  double threshold = 0;
  // APCER: attacks accepted as live / attacks. BPCER: live faces rejected /
  // live faces. ACER: their mean. An image without a detected face is
  // rejected: a live one counts against BPCER, a spoof one is no APCER error.
  double apcer = 0, bpcer = 0, acer = 0;
  double eer = 0;
  double apcer_at_bpcer_5 = 0;  // lowest APCER over thresholds with BPCER <= 5%
  double apcer_at_bpcer_1 = 0;
  std::vector<RocPoint> roc;    // one point per distinct score, ascending threshold
};

LivenessReport evaluate_liveness(const std::vector<LivenessResult>& results, double threshold);

// The threshold that rejects about `bpcer` of the live scores (their quantile).
double threshold_at_bpcer(std::vector<double> live_scores, double bpcer);

}  // namespace portier
