#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/core.hpp>

#include "models/face_types.h"

namespace portier {

struct IdentityMatch {
  std::int64_t user_id = 0;
  std::string name;
  float distance = 0.0f;
};

// Two enrolled users and how close dlib's descriptor puts them: the distance
// between their nearest two embeddings (access/lookalikes.h).
struct NearestOther {
  std::int64_t user_id = 0;
  std::string name;
  std::int64_t other_id = 0;
  std::string other_name;
  float distance = 0.0f;
};

// When a user may be recognised: either bound may be open.
struct Validity {
  std::optional<std::chrono::system_clock::time_point> from, until;
  bool contains(std::chrono::system_clock::time_point t) const {
    return (!from || t >= *from) && (!until || t < *until);
  }
};

// Exact 1:N search over every enrolled embedding. Brute force over one
// contiguous N x 128 float matrix with OpenCV's SIMD distance kernels
// (NEON on the Pi): 100k embeddings is ~13M multiply-adds, a few ms.
class EmbeddingIndex {
 public:
  void add(std::int64_t user_id, const std::string& name, const Embedding& embedding, Validity validity = {});
  // The nearest embedding of a user valid at `now`; std::nullopt when none is.
  std::optional<IdentityMatch> nearest(const Embedding& probe,
                                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  // The nearest embedding of each of the `k` nearest users valid at `now`,
  // nearest first: the runner-up says how crowded the gallery is near the probe.
  std::vector<IdentityMatch> nearest_users(const Embedding& probe, size_t k,
                                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  // 1:1: the distance from the probe to the nearest embedding of one user
  // (a card names the user); std::nullopt when that user has no embedding.
  std::optional<float> distance_to_user(std::int64_t user_id, const Embedding& probe) const;
  size_t embeddings_of(std::int64_t user_id) const;
  // Each user's nearest other user, whatever their validity windows (a
  // look-alike who may not enter today still looks alike), in the order the
  // users were added; empty with fewer than two users. Exact: every pair of
  // rows, so ~N^2 x 128 multiply-adds (840 users of 1 embedding: a few ms;
  // 20,000 embeddings: seconds on a Pi).
  std::vector<NearestOther> nearest_other_users() const;
  size_t size() const { return static_cast<size_t>(rows_.rows); }
  size_t users() const { return users_.size(); }

 private:
  struct User {
    std::int64_t id;
    std::string name;
    Validity validity;
  };
  cv::Mat rows_;               // N x 128, CV_32F
  std::vector<size_t> owner_;  // row -> users_ index
  std::vector<User> users_;
  std::unordered_map<std::int64_t, size_t> user_index_;
  bool any_window_ = false;  // false: every user is always valid, the fast path applies
};

}  // namespace portier
