#include "pipeline/live_view.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

namespace portier {

namespace {
constexpr size_t kLabels = 32;
}

void LiveView::offer(std::uint64_t seq, const cv::Mat& bgr,
                     const std::vector<std::pair<std::uint64_t, cv::Rect>>& faces) {
  LiveFrame frame;
  frame.seq = seq;
  frame.bgr = bgr;  // a reference, not a copy: captured frames are never written
  std::lock_guard lock(mutex_);
  for (const auto& [id, box] : faces) {
    LiveFace& f = frame.faces.emplace_back();
    f.track_id = id;
    f.box = box;
    for (const auto& [track, label] : labels_)
      if (track == id) std::tie(f.label, f.granted) = label;
  }
  slot_ = std::move(frame);
}

void LiveView::decided(const Decision& d) {
  std::string label;
  if (d.verdict == Verdict::DeniedSpoof)
    label = "spoof";
  else
    label = d.user_name.value_or("unknown");
  if (d.distance) label += fmt::format(" {:.2f}", *d.distance);
  if (d.liveness) label += fmt::format(" live {:.2f}", *d.liveness);
  if (d.verdict != Verdict::Granted && d.verdict != Verdict::DeniedSpoof && d.verdict != Verdict::DeniedUnknown)
    label += " (" + std::string(d.verdict == Verdict::DeniedDisarmed ? "disarmed" : "refused") + ")";
  std::lock_guard lock(mutex_);
  for (auto it = labels_.begin(); it != labels_.end(); ++it)
    if (it->first == d.track_id) {
      labels_.erase(it);
      break;
    }
  labels_.emplace_back(d.track_id, std::make_pair(std::move(label), d.verdict == Verdict::Granted));
  if (labels_.size() > kLabels) labels_.pop_front();
}

std::optional<LiveFrame> LiveView::newest(std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  if (!slot_ || slot_->seq <= after) return std::nullopt;
  return slot_;
}

cv::Mat LiveView::draw(const LiveFrame& frame) {
  cv::Mat out = frame.bgr.clone();
  for (const auto& f : frame.faces) {
    const cv::Scalar colour = f.label.empty() ? cv::Scalar(255, 255, 255)
                              : f.granted     ? cv::Scalar(60, 200, 60)
                                              : cv::Scalar(40, 40, 230);
    cv::rectangle(out, f.box, colour, 2);
    const std::string text = f.label.empty() ? "..." : f.label;
    int baseline = 0;
    const auto size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 0.5, 1, &baseline);
    const cv::Point at(f.box.x, std::max(size.height + 4, f.box.y - 4));
    cv::rectangle(out, at + cv::Point(0, baseline), at + cv::Point(size.width, -size.height - 2), cv::Scalar(0, 0, 0),
                  cv::FILLED);
    cv::putText(out, text, at, cv::FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv::LINE_AA);
  }
  return out;
}

}  // namespace portier
