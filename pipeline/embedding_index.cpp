#include "pipeline/embedding_index.h"

#include <algorithm>

namespace portier {

void EmbeddingIndex::add(std::int64_t user_id, const std::string& name, const Embedding& embedding) {
  auto it = std::find_if(users_.begin(), users_.end(), [&](const auto& u) { return u.first == user_id; });
  if (it == users_.end()) {
    users_.emplace_back(user_id, name);
    it = users_.end() - 1;
  }
  owner_.push_back(static_cast<size_t>(it - users_.begin()));
  rows_.push_back(cv::Mat(1, kEmbeddingSize, CV_32F, const_cast<float*>(embedding.data())));
}

std::optional<IdentityMatch> EmbeddingIndex::nearest(const Embedding& probe) const {
  if (rows_.empty()) return std::nullopt;
  const cv::Mat query(1, kEmbeddingSize, CV_32F, const_cast<float*>(probe.data()));
  cv::Mat distances, index;
  cv::batchDistance(query, rows_, distances, CV_32F, index, cv::NORM_L2, 1);
  const int row = index.at<int>(0, 0);
  const auto& user = users_[owner_[static_cast<size_t>(row)]];
  return IdentityMatch{user.first, user.second, distances.at<float>(0, 0)};
}

}  // namespace portier
