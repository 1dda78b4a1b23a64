#include "models/face_detector.h"

namespace portier {
namespace {

// The first detector of the chain runs on every image; the others only on
// images where all before them found nothing. On live frames `every` > 1
// spends the fallback on one empty frame in `every`: the camera sends the
// same scene again a moment later, so a face missed once is found soon after
// at a fraction of the cost.
class FallbackDetector final : public FaceDetector {
 public:
  FallbackDetector(std::vector<std::unique_ptr<FaceDetector>> chain, int every)
      : chain_(std::move(chain)), every_(every) {}

  std::vector<FaceBox> detect(const cv::Mat& image) override {
    auto faces = chain_.front()->detect(image);
    if (!faces.empty() || chain_.size() == 1 || every_ <= 0) return faces;
    if (every_ > 1 && ++empty_ % every_ != 0) return faces;
    for (size_t i = 1; i < chain_.size(); ++i) {
      faces = chain_[i]->detect(image);
      if (!faces.empty()) return faces;
    }
    return faces;
  }

  std::unique_ptr<FaceDetector> clone() const override {
    std::vector<std::unique_ptr<FaceDetector>> chain;
    for (const auto& d : chain_) chain.push_back(d->clone());
    return std::make_unique<FallbackDetector>(std::move(chain), every_);
  }

 private:
  std::vector<std::unique_ptr<FaceDetector>> chain_;
  int every_;
  long empty_ = 0;
};

}  // namespace

std::unique_ptr<FaceDetector> make_fallback_detector(std::vector<std::unique_ptr<FaceDetector>> chain, int every) {
  if (chain.empty()) return nullptr;
  if (chain.size() == 1) return std::move(chain.front());
  return std::make_unique<FallbackDetector>(std::move(chain), every);
}

}  // namespace portier
