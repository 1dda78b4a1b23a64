#include <gtest/gtest.h>

#include "models/face_detector.h"

namespace portier {
namespace {

// Finds `faces` faces and counts its calls.
class Scripted final : public FaceDetector {
 public:
  Scripted(int faces, int* calls) : faces_(faces), calls_(calls) {}
  std::vector<FaceBox> detect(const cv::Mat&) override {
    ++*calls_;
    return std::vector<FaceBox>(static_cast<size_t>(faces_), FaceBox{{1, 2, 30, 30}, 1.0});
  }
  std::unique_ptr<FaceDetector> clone() const override { return std::make_unique<Scripted>(faces_, calls_); }

 private:
  int faces_;
  int* calls_;
};

std::unique_ptr<FaceDetector> chain(std::vector<std::pair<int, int*>> parts, int every) {
  std::vector<std::unique_ptr<FaceDetector>> c;
  for (auto [faces, calls] : parts) c.push_back(std::make_unique<Scripted>(faces, calls));
  return make_fallback_detector(std::move(c), every);
}

TEST(FallbackDetector, TheCostlyDetectorsRunOnlyWhereTheCheapOneFoundNothing) {
  int first = 0, second = 0, third = 0;
  const cv::Mat image(10, 10, CV_8UC3);
  auto found = chain({{1, &first}, {1, &second}, {1, &third}}, 1);
  EXPECT_EQ(found->detect(image).size(), 1u);
  EXPECT_EQ(second, 0);

  auto missed = chain({{0, &first}, {0, &second}, {2, &third}}, 1);
  EXPECT_EQ(missed->detect(image).size(), 2u) << "the last one's answer stands";
  EXPECT_EQ(second, 1);
  EXPECT_EQ(third, 1);
  EXPECT_EQ(missed->clone()->detect(image).size(), 2u) << "a clone is the same chain";
}

TEST(FallbackDetector, OnLiveFramesOneEmptyFrameInNIsRetried) {
  int first = 0, second = 0;
  const cv::Mat image(10, 10, CV_8UC3);
  auto live = chain({{0, &first}, {1, &second}}, 3);
  std::vector<size_t> found;
  for (int i = 0; i < 6; ++i) found.push_back(live->detect(image).size());
  EXPECT_EQ(found, (std::vector<size_t>{0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(first, 6);
  EXPECT_EQ(second, 2);
  auto never = chain({{0, &first}, {1, &second}}, 0);
  EXPECT_TRUE(never->detect(image).empty());
  EXPECT_EQ(second, 2);
}

}  // namespace
}  // namespace portier
