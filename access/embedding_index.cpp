#include "access/embedding_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace portier {

void EmbeddingIndex::add(std::int64_t user_id, const std::string& name, const Embedding& embedding, Validity validity) {
  auto [it, inserted] = user_index_.try_emplace(user_id, users_.size());
  if (inserted) {
    users_.push_back({user_id, name, validity});
    any_window_ = any_window_ || validity.from || validity.until;
  }
  owner_.push_back(it->second);
  rows_.push_back(cv::Mat(1, kEmbeddingSize, CV_32F, const_cast<float*>(embedding.data())));
}

std::optional<IdentityMatch> EmbeddingIndex::nearest(const Embedding& probe,
                                                     std::chrono::system_clock::time_point now) const {
  if (rows_.empty()) return std::nullopt;
  const cv::Mat query(1, kEmbeddingSize, CV_32F, const_cast<float*>(probe.data()));
  if (!any_window_) {
    cv::Mat distances, index;
    cv::batchDistance(query, rows_, distances, CV_32F, index, cv::NORM_L2, 1);
    const auto& user = users_[owner_[static_cast<size_t>(index.at<int>(0, 0))]];
    return IdentityMatch{user.id, user.name, distances.at<float>(0, 0)};
  }
  cv::Mat distances;
  cv::batchDistance(query, rows_, distances, CV_32F, cv::noArray(), cv::NORM_L2);
  const float* d = distances.ptr<float>(0);
  std::optional<size_t> best;
  for (size_t row = 0; row < owner_.size(); ++row)
    if ((!best || d[row] < d[*best]) && users_[owner_[row]].validity.contains(now)) best = row;
  if (!best) return std::nullopt;
  const auto& user = users_[owner_[*best]];
  return IdentityMatch{user.id, user.name, d[*best]};
}

std::vector<IdentityMatch> EmbeddingIndex::nearest_users(const Embedding& probe, size_t k,
                                                         std::chrono::system_clock::time_point now) const {
  std::vector<IdentityMatch> out;
  if (rows_.empty() || k == 0) return out;
  const cv::Mat query(1, kEmbeddingSize, CV_32F, const_cast<float*>(probe.data()));
  cv::Mat distances;
  cv::batchDistance(query, rows_, distances, CV_32F, cv::noArray(), cv::NORM_L2);
  const float* d = distances.ptr<float>(0);
  // Each user's nearest row, then the k smallest of those.
  std::vector<float> best(users_.size(), std::numeric_limits<float>::infinity());
  for (size_t row = 0; row < owner_.size(); ++row) best[owner_[row]] = std::min(best[owner_[row]], d[row]);
  std::vector<size_t> order;
  for (size_t u = 0; u < users_.size(); ++u)
    if (best[u] < std::numeric_limits<float>::infinity() && (!any_window_ || users_[u].validity.contains(now)))
      order.push_back(u);
  const size_t n = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                    [&](size_t a, size_t b) { return best[a] < best[b]; });
  for (size_t i = 0; i < n; ++i) out.push_back({users_[order[i]].id, users_[order[i]].name, best[order[i]]});
  return out;
}

std::optional<float> EmbeddingIndex::distance_to_user(std::int64_t user_id, const Embedding& probe) const {
  auto it = user_index_.find(user_id);
  if (it == user_index_.end()) return std::nullopt;
  const cv::Mat query(1, kEmbeddingSize, CV_32F, const_cast<float*>(probe.data()));
  std::optional<float> best;
  for (size_t row = 0; row < owner_.size(); ++row) {
    if (owner_[row] != it->second) continue;
    const float d = static_cast<float>(cv::norm(query, rows_.row(static_cast<int>(row)), cv::NORM_L2));
    if (!best || d < *best) best = d;
  }
  return best;
}

std::vector<NearestOther> EmbeddingIndex::nearest_other_users() const {
  std::vector<NearestOther> out;
  if (users_.size() < 2) return out;
  // A block of rows against all of them with OpenCV's own SIMD kernel (as
  // nearest() does), never BLAS: the decide stage calls this, and BLAS would
  // start threads of its own beside the pipeline's.
  std::vector<float> best(users_.size(), std::numeric_limits<float>::infinity());
  std::vector<size_t> best_other(users_.size(), 0);
  constexpr int kBlock = 512;
  for (int begin = 0; begin < rows_.rows; begin += kBlock) {
    const int end = std::min(rows_.rows, begin + kBlock);
    cv::Mat squared;
    cv::batchDistance(rows_.rowRange(begin, end), rows_, squared, CV_32F, cv::noArray(), cv::NORM_L2SQR);
    for (int r = begin; r < end; ++r) {
      const size_t user = owner_[static_cast<size_t>(r)];
      const float* d = squared.ptr<float>(r - begin);
      for (int c = 0; c < rows_.rows; ++c) {
        const size_t other = owner_[static_cast<size_t>(c)];
        if (other != user && d[c] < best[user]) {
          best[user] = d[c];
          best_other[user] = other;
        }
      }
    }
  }
  for (size_t u = 0; u < users_.size(); ++u) {
    const auto& other = users_[best_other[u]];
    out.push_back({users_[u].id, users_[u].name, other.id, other.name, std::sqrt(best[u])});
  }
  return out;
}

size_t EmbeddingIndex::embeddings_of(std::int64_t user_id) const {
  auto it = user_index_.find(user_id);
  if (it == user_index_.end()) return 0;
  return static_cast<size_t>(std::count(owner_.begin(), owner_.end(), it->second));
}

}  // namespace portier
