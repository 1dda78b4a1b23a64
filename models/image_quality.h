#pragma once

#include <opencv2/core.hpp>

namespace portier {

// Variance of the Laplacian of the face, resampled to a fixed 150x150 so the
// same threshold holds for large and small faces. Sharp faces score hundreds,
// motion-blurred or defocused ones tens.
double face_sharpness(const cv::Mat& bgr, const cv::Rect& face);

// The part of `face` inside the image, for quality checks on cut-off faces.
cv::Rect clip_to_image(const cv::Rect& face, const cv::Size& image);

}  // namespace portier
