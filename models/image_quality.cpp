#include "models/image_quality.h"

#include <opencv2/imgproc.hpp>

namespace portier {

cv::Rect clip_to_image(const cv::Rect& face, const cv::Size& image) { return face & cv::Rect(cv::Point(0, 0), image); }

double face_sharpness(const cv::Mat& bgr, const cv::Rect& face) {
  const cv::Rect inside = clip_to_image(face, bgr.size());
  if (inside.area() == 0) return 0.0;
  cv::Mat grey, resized, laplacian;
  cv::cvtColor(bgr(inside), grey, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::resize(grey, resized, cv::Size(150, 150), 0, 0, cv::INTER_AREA);
  cv::Laplacian(resized, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
}

}  // namespace portier
