// The first layer of dlib's face ResNet as a fixed bank of texture filters,
// for liveness. Its 32 7x7 colour filters were learnt from millions of face
// photos; how strongly each responds over a crop (the mean and spread of its
// rectified, max-pooled output) tells a recaptured face (a print's lost
// detail, a screen's moire and blocking) from a camera's own view of skin,
// and did so across cameras and rooms (docs/liveness.md). The weights are not
// copied into portier: they are read from the ResNet model file at start-up.
// Pure computation; describe() is const and keeps no state, so one instance
// may serve any thread.
#pragma once

#include <array>
#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

namespace portier {

struct TextureStemWeights {
  static constexpr int kFilters = 32, kChannels = 3, kSize = 7;
  static constexpr int kTaps = kChannels * kSize * kSize;
  std::vector<float> filters;  // kFilters x (R, G, B) x 7 x 7, as dlib stores them
  std::vector<float> biases;   // kFilters
  std::vector<float> gamma, beta;  // the affine layer after the convolution, kFilters each
  // The network's input: (pixel - mean) / 256 per channel (dlib's input_rgb_image).
  std::array<float, 3> rgb_mean{122.782f, 117.001f, 104.298f};
};

// The stem's weights from the ResNet model file (dlib_face_recognition_resnet_model_v1.dat).
// Throws std::runtime_error when the file cannot be read as that network.
TextureStemWeights resnet_stem_weights(const std::filesystem::path& resnet_model);

class TextureStem {
 public:
  static constexpr int kFeatureCount = 2 * TextureStemWeights::kFilters;
  // Throws std::invalid_argument when a size is wrong.
  explicit TextureStem(TextureStemWeights weights);
  // Per filter: the mean and the standard deviation of its response
  // (convolution with stride 2, affine, ReLU, 3x3 max pool with stride 2, as
  // in the network) over an 8-bit BGR image of at least 16x16 pixels.
  std::array<float, kFeatureCount> describe(const cv::Mat& bgr) const;

 private:
  TextureStemWeights w_;
};

}  // namespace portier
