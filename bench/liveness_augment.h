// Seeded changes of camera and light for liveness training, so the model
// learns the attack rather than one webcam's look: lower resolution, small
// turns, colour temperature, gain and offset, gamma, blur, sensor noise and
// JPEG compression. The same seed gives the same view, bit for bit, on any
// machine (the generator is std::mt19937_64 and the draws are made from its
// raw output, not from the library's distributions).
#pragma once

#include <cstdint>

#include <opencv2/core.hpp>

namespace portier {

struct AugmentedView {
  cv::Mat image;  // 8-bit BGR
  cv::Rect box;   // the face box in `image`
};

// `crop`: the image is a face crop; it is scaled to 86-185 px wide (the
// sizes another camera's face crops have), whatever its own size. A frame is
// scaled to 60-100% of its size.
AugmentedView augment_view(const cv::Mat& bgr, const cv::Rect& face_box, bool crop, std::uint64_t seed);

}  // namespace portier
