#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace portier {

struct TrackerOptions {
  double min_iou = 0.3;  // a detection continues a track when their boxes overlap this much
  int max_missed = 5;    // detections a track survives without being seen (HOG misses the odd frame)
};

struct TrackAssignment {
  std::uint64_t track_id = 0;
  bool is_new = false;
};

struct TrackUpdate {
  std::vector<TrackAssignment> faces;  // one per input box, same order
  std::vector<std::uint64_t> ended;    // tracks gone for more than max_missed frames
};

// Follows faces across frames by box overlap (greedy, best IoU first). A door
// camera sees one or two people walking up, so this is enough and costs
// microseconds; it is what lets the embedder skip most frames.
class IouTracker {
 public:
  explicit IouTracker(TrackerOptions options) : options_(options) {}

  TrackUpdate update(const std::vector<cv::Rect>& boxes);
  // Ends every live track (end of stream).
  std::vector<std::uint64_t> end_all();

  struct Box {
    std::uint64_t track_id;
    cv::Rect box;
  };
  // Tracks seen at the last detection, with their boxes: where the faces are
  // on a frame that was not run through the detector.
  std::vector<Box> current() const;
  size_t live_tracks() const { return tracks_.size(); }

 private:
  struct Track {
    std::uint64_t id;
    cv::Rect box;
    int missed;
  };
  TrackerOptions options_;
  std::vector<Track> tracks_;
  std::uint64_t next_id_ = 1;
};

double iou(const cv::Rect& a, const cv::Rect& b);

}  // namespace portier
