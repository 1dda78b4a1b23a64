// The camera as the console's live view shows it: the newest frame with its
// faces' boxes, and what was last decided about each track. A flow limiter,
// as MediaPipe's: the track stage offers every frame, a slot keeps only the
// newest, and a viewer takes it when it is ready for one; nothing queues, so
// a slow viewer can never hold the pipeline back. Nobody watching costs one
// atomic load per frame.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "access/decision.h"

namespace portier {

struct LiveFace {
  std::uint64_t track_id = 0;
  cv::Rect box;
  std::string label;  // "lin 0.38 live 0.91", "unknown 0.71", "spoof 0.05"; empty: not decided yet
  bool granted = false;
};

struct LiveFrame {
  std::uint64_t seq = 0;
  cv::Mat bgr;  // shared with the pipeline, read-only: draw on a copy
  std::vector<LiveFace> faces;
};

class LiveView {
 public:
  // While at least one viewer watches, frames are kept.
  void watch() { viewers_.fetch_add(1, std::memory_order_acq_rel); }
  void unwatch() { viewers_.fetch_sub(1, std::memory_order_acq_rel); }
  bool watched() const { return viewers_.load(std::memory_order_acquire) > 0; }

  // The track stage: a frame and its tracked boxes (only while watched).
  void offer(std::uint64_t seq, const cv::Mat& bgr, const std::vector<std::pair<std::uint64_t, cv::Rect>>& faces);
  // The act stage: what was decided about a face's track.
  void decided(const Decision& decision);
  // The newest frame after `after` (a seq), or nothing yet.
  std::optional<LiveFrame> newest(std::uint64_t after) const;

  // A copy of the frame with the boxes and labels drawn: green for a grant,
  // red for a refusal, white while undecided.
  static cv::Mat draw(const LiveFrame& frame);

 private:
  std::atomic<int> viewers_{0};
  mutable std::mutex mutex_;
  std::optional<LiveFrame> slot_;
  // The last tracks' labels, newest last: a few tracks are in view at most.
  std::deque<std::pair<std::uint64_t, std::pair<std::string, bool>>> labels_;
};

}  // namespace portier
