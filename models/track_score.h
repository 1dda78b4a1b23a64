// One liveness verdict from the scores of several frames of one face.
#pragma once

#include <vector>

namespace portier {

// The median: one frame with a reflection, motion blur or a detector box
// that slipped cannot flip the verdict either way, as it could a mean (a
// single 0.0 among four 0.9s pulls the mean from 0.9 to 0.72).
// Empty input gives 0 (not live).
double track_liveness_score(std::vector<double> scores);

}  // namespace portier
