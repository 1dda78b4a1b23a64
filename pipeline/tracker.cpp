#include "pipeline/tracker.h"

#include <algorithm>
#include <tuple>

namespace portier {

double iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = static_cast<double>(a.area()) + b.area() - inter;
  return uni > 0.0 ? inter / uni : 0.0;
}

TrackUpdate IouTracker::update(const std::vector<cv::Rect>& boxes) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;  // iou, track index, box index
  for (size_t t = 0; t < tracks_.size(); ++t)
    for (size_t b = 0; b < boxes.size(); ++b) {
      const double overlap = iou(tracks_[t].box, boxes[b]);
      if (overlap >= options_.min_iou) pairs.emplace_back(overlap, t, b);
    }
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });

  TrackUpdate update;
  update.faces.resize(boxes.size());
  std::vector<bool> track_taken(tracks_.size(), false), box_taken(boxes.size(), false);
  for (const auto& [overlap, t, b] : pairs) {
    if (track_taken[t] || box_taken[b]) continue;
    track_taken[t] = box_taken[b] = true;
    tracks_[t].box = boxes[b];
    tracks_[t].missed = 0;
    update.faces[b] = {tracks_[t].id, false};
  }
  for (size_t t = 0; t < track_taken.size(); ++t)
    if (!track_taken[t]) ++tracks_[t].missed;
  std::erase_if(tracks_, [&](const Track& track) {
    if (track.missed <= options_.max_missed) return false;
    update.ended.push_back(track.id);
    return true;
  });
  for (size_t b = 0; b < boxes.size(); ++b) {
    if (box_taken[b]) continue;
    tracks_.push_back({next_id_, boxes[b], 0});
    update.faces[b] = {next_id_++, true};
  }
  return update;
}

std::vector<IouTracker::Box> IouTracker::current() const {
  std::vector<Box> boxes;
  for (const auto& track : tracks_)
    if (track.missed == 0) boxes.push_back({track.id, track.box});
  return boxes;
}

std::vector<std::uint64_t> IouTracker::end_all() {
  std::vector<std::uint64_t> ended;
  for (const auto& track : tracks_) ended.push_back(track.id);
  tracks_.clear();
  return ended;
}

}  // namespace portier
