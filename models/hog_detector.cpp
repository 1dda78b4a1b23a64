#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms/interpolation.h>

#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "models/dlib_image.h"
#include "models/face_detector.h"

namespace portier {
namespace {

class HogDetector final : public FaceDetector {
 public:
  HogDetector(int upsample, double threshold) : upsample_(upsample), threshold_(threshold) {}

  std::vector<FaceBox> detect(const cv::Mat& image) override {
    // HOG gradients on grey are as good as on colour here and ~3x cheaper.
    cv::Mat grey;
    if (image.channels() == 3)
      cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    else if (image.channels() == 4)
      cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
    else
      grey = image;
    if (grey.depth() != CV_8U) throw std::invalid_argument("HOG detector needs an 8-bit image");

    std::vector<dlib::rect_detection> found;
    dlib::cv_image<unsigned char> view(grey);
    if (upsample_ == 0) {
      detector_(view, found, threshold_);
    } else {
      dlib::array2d<unsigned char> scaled;
      dlib::assign_image(scaled, view);
      for (int i = 0; i < upsample_; ++i) dlib::pyramid_up(scaled);
      detector_(scaled, found, threshold_);
    }
    std::vector<FaceBox> faces;
    faces.reserve(found.size());
    for (const auto& d : found) faces.push_back({detail::scale_down(d.rect, upsample_), d.detection_confidence});
    return faces;
  }

  std::unique_ptr<FaceDetector> clone() const override { return std::make_unique<HogDetector>(upsample_, threshold_); }

 private:
  dlib::frontal_face_detector detector_ = dlib::get_frontal_face_detector();
  int upsample_;
  double threshold_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_hog_detector(int upsample, double threshold) {
  return std::make_unique<HogDetector>(upsample, threshold);
}

}  // namespace portier
