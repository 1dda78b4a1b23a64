#include <cmath>

#include "models/face_embedder.h"

namespace portier {

float embedding_distance(const Embedding& a, const Embedding& b) {
  float sum = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace portier
