#include <opencv2/imgproc.hpp>

#include "pipeline/liveness_stage.h"
#include "pipeline/stage_loop.h"

namespace portier {
namespace {

// The face with some margin, as the camera saw it: a view into the frame
// (no copy), encoded only if the track turns out to be a spoof.
cv::Mat evidence_view(const cv::Mat& frame, const cv::Rect& box) {
  const int margin = std::max(box.width, box.height) / 3;
  const cv::Rect wide(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin);
  const cv::Rect inside = wide & cv::Rect(0, 0, frame.cols, frame.rows);
  return inside.area() > 0 ? frame(inside) : cv::Mat();
}

}  // namespace

void LivenessStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<FaceBatch> batch) {
    if (!batch->frame.empty()) {
      for (auto& face : batch->faces) {
        if (scorer_) face.liveness = scorer_->score(batch->frame, face.box);
        // Kept with the decision whether liveness is on or not: the access
        // log's picture, a spoof's evidence, the backend's optional crop.
        face.evidence = evidence_view(batch->frame, face.box);
      }
    }
    batch->frame.release();  // nothing downstream needs the whole frame
    out_.push(std::move(batch));
  });
  out_.producer_done();
}

}  // namespace portier
