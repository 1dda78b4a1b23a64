#include "models/liveness_features.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace portier {
namespace {

TextureStem small_stem() {
  TextureStemWeights w;
  w.filters.resize(TextureStemWeights::kFilters * TextureStemWeights::kTaps);
  for (size_t i = 0; i < w.filters.size(); ++i) w.filters[i] = static_cast<float>((i * 7919) % 13) / 13.0f - 0.45f;
  w.biases.assign(TextureStemWeights::kFilters, 0.0f);
  w.gamma.assign(TextureStemWeights::kFilters, 1.0f);
  w.beta.assign(TextureStemWeights::kFilters, 0.0f);
  return TextureStem(w);
}

cv::Mat scene(int width, int height, unsigned seed) {
  cv::Mat image(height, width, CV_8UC3);
  cv::theRNG().state = seed;
  cv::randu(image, cv::Scalar::all(30), cv::Scalar::all(220));
  cv::GaussianBlur(image, image, cv::Size(0, 0), 1.5);
  return image;
}

TEST(LivenessFeatures, CropsHaveFixedSizesWhateverTheCameraResolution) {
  for (const auto& [size, box] : {std::pair{cv::Size(640, 480), cv::Rect(270, 190, 100, 100)},
                                  std::pair{cv::Size(1920, 1080), cv::Rect(800, 400, 420, 420)},
                                  std::pair{cv::Size(160, 120), cv::Rect(60, 40, 40, 40)}}) {
    const auto crops = cut_liveness_crops(scene(size.width, size.height, 1), box);
    EXPECT_EQ(crops.face.size(), cv::Size(kLivenessFaceSize, kLivenessFaceSize));
    EXPECT_EQ(crops.context.size(), cv::Size(kLivenessContextSize, kLivenessContextSize));
  }
  const auto only = cut_face_only_crops(scene(150, 150, 2), cv::Rect(0, 0, 150, 150));
  EXPECT_EQ(only.face.size(), cv::Size(kLivenessFaceSize, kLivenessFaceSize));
  EXPECT_TRUE(only.context.empty());
}

TEST(LivenessFeatures, AFaceAtTheImageEdgeIsMirroredInNotRefused) {
  const auto crops = cut_liveness_crops(scene(200, 200, 3), cv::Rect(-20, -20, 80, 80));
  EXPECT_EQ(crops.context.size(), cv::Size(kLivenessContextSize, kLivenessContextSize));
}

TEST(LivenessFeatures, FramesGiveBothVectorsAndCropsOnlyTheFaceOne) {
  const auto stem = small_stem();
  const cv::Mat frame = scene(320, 240, 4);
  const auto f = liveness_features(cut_liveness_crops(frame, cv::Rect(120, 80, 80, 80)), stem);
  ASSERT_EQ(f.face.size(), static_cast<size_t>(face_feature_count()));
  ASSERT_EQ(f.scene.size(), static_cast<size_t>(scene_feature_count()));
  EXPECT_TRUE(std::equal(f.face.begin(), f.face.end(), f.scene.begin())) << "the scene vector starts with the face's";
  for (float v : f.scene) EXPECT_TRUE(std::isfinite(v));
  const auto g = liveness_features(cut_face_only_crops(frame, cv::Rect(120, 80, 80, 80)), stem);
  EXPECT_EQ(g.face, f.face);
  EXPECT_TRUE(g.scene.empty());
}

TEST(LivenessFeatures, SurroundingsChangeOnlyTheSceneVector) {
  const auto stem = small_stem();
  cv::Mat a = scene(320, 240, 5), b = a.clone();
  const cv::Rect box(120, 80, 80, 80);
  b(cv::Rect(0, 0, 80, 240)).setTo(cv::Scalar(255, 255, 255));  // a bright edge far from the face: a held-up card
  const auto fa = liveness_features(cut_liveness_crops(a, box), stem);
  const auto fb = liveness_features(cut_liveness_crops(b, box), stem);
  EXPECT_EQ(fa.face, fb.face);
  EXPECT_NE(fa.scene, fb.scene);
}

}  // namespace
}  // namespace portier
