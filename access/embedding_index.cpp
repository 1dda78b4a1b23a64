#include "access/embedding_index.h"

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

}  // namespace portier
