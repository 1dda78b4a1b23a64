#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/face_types.h"

namespace portier {

struct IdentityMatch {
  std::int64_t user_id = 0;
  std::string name;
  float distance = 0.0f;
};

// Exact 1:N search over every enrolled embedding. Brute force over one
// contiguous N x 128 float matrix with OpenCV's SIMD distance kernels
// (NEON on the Pi): 100k embeddings is ~13M multiply-adds, a few ms.
class EmbeddingIndex {
 public:
  void add(std::int64_t user_id, const std::string& name, const Embedding& embedding);
  // The nearest enrolled embedding's owner; std::nullopt when empty.
  std::optional<IdentityMatch> nearest(const Embedding& probe) const;
  size_t size() const { return static_cast<size_t>(rows_.rows); }
  size_t users() const { return users_.size(); }

 private:
  cv::Mat rows_;                                          // N x 128, CV_32F
  std::vector<size_t> owner_;                             // row -> users_ index
  std::vector<std::pair<std::int64_t, std::string>> users_;
};

}  // namespace portier
