#include "models/track_score.h"

#include <algorithm>

namespace portier {

double track_liveness_score(std::vector<double> scores) {
  if (scores.empty()) return 0.0;
  const size_t mid = scores.size() / 2;
  std::nth_element(scores.begin(), scores.begin() + static_cast<long>(mid), scores.end());
  const double upper = scores[mid];
  if (scores.size() % 2 == 1) return upper;
  const double lower = *std::max_element(scores.begin(), scores.begin() + static_cast<long>(mid));
  return (lower + upper) / 2;
}

}  // namespace portier
