// The only translation unit that instantiates the MMOD network: dlib/dnn.h
// costs ~40 s and over 1 GB to compile, so it stays behind FaceDetector.
#include <dlib/dnn.h>

#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "models/dlib_image.h"
#include "models/face_detector.h"

namespace portier {
namespace {

using namespace dlib;  // the network definition reads as in dlib's examples

template <long N, typename S> using con5d = con<N, 5, 5, 2, 2, S>;
template <long N, typename S> using con5 = con<N, 5, 5, 1, 1, S>;
template <typename S> using downsampler = relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, S>>>>>>>>>;
template <typename S> using rcon5 = relu<affine<con5<45, S>>>;
using MmodNet = loss_mmod<con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;

class MmodDetector final : public FaceDetector {
 public:
  MmodDetector(const MmodNet& net, int upsample) : net_(net), upsample_(upsample) {}

  static std::unique_ptr<MmodDetector> load(const std::filesystem::path& file, int upsample) {
    MmodNet net;
    deserialize(file.string()) >> net;
    return std::make_unique<MmodDetector>(net, upsample);
  }

  std::vector<FaceBox> detect(const cv::Mat& image) override {
    cv::Mat bgr = image;
    if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
    if (image.channels() == 4) cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
    matrix<rgb_pixel> rgb;
    assign_image(rgb, cv_image<bgr_pixel>(bgr));
    for (int i = 0; i < upsample_; ++i) pyramid_up(rgb);
    std::vector<FaceBox> faces;
    for (const auto& d : net_(rgb)) faces.push_back({detail::scale_down(d.rect, upsample_), d.detection_confidence});
    return faces;
  }

  std::unique_ptr<FaceDetector> clone() const override { return std::make_unique<MmodDetector>(net_, upsample_); }

 private:
  MmodNet net_;
  int upsample_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_mmod_detector(const std::filesystem::path& model_file, int upsample) {
  return MmodDetector::load(model_file, upsample);
}

}  // namespace portier
