#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/serialize.h>

#include "models/dlib_image.h"
#include "models/face_aligner.h"

namespace portier {
namespace {

class DlibAligner final : public FaceAligner {
 public:
  explicit DlibAligner(const std::filesystem::path& file) { dlib::deserialize(file.string()) >> predictor_; }

  AlignedFace align(const cv::Mat& bgr, const cv::Rect& face) const override {
    dlib::cv_image<dlib::bgr_pixel> view(bgr);
    const auto shape = predictor_(view, detail::to_dlib(face));
    AlignedFace out;
    for (unsigned i = 0; i < shape.num_parts() && i < out.landmarks.size(); ++i)
      out.landmarks[i] = cv::Point2f(static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y()));
    dlib::matrix<dlib::rgb_pixel> chip;
    dlib::extract_image_chip(view, dlib::get_face_chip_details(shape, kChipSize, kChipPadding), chip);
    // Copy out of dlib's matrix so the chip owns its pixels (RGB order, as the ResNet expects).
    out.chip = cv::Mat(kChipSize, kChipSize, CV_8UC3, &chip(0, 0)).clone();
    return out;
  }

 private:
  dlib::shape_predictor predictor_;
};

}  // namespace

std::unique_ptr<FaceAligner> make_dlib_aligner(const std::filesystem::path& shape_predictor_file) {
  return std::make_unique<DlibAligner>(shape_predictor_file);
}

}  // namespace portier
