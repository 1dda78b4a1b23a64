// Zero-copy views of OpenCV images for dlib. Internal to models/.
#pragma once

#include <dlib/geometry/rectangle.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/core.hpp>

namespace portier::detail {

inline dlib::rectangle to_dlib(const cv::Rect& r) {
  return dlib::rectangle(r.x, r.y, r.x + r.width - 1, r.y + r.height - 1);
}

inline cv::Rect to_cv(const dlib::rectangle& r) {
  return cv::Rect(static_cast<int>(r.left()), static_cast<int>(r.top()), static_cast<int>(r.width()),
                  static_cast<int>(r.height()));
}

// dlib rectangles found on an image upsampled `levels` times, mapped back.
inline cv::Rect scale_down(const dlib::rectangle& r, int levels) {
  const double f = 1.0 / static_cast<double>(1 << levels);
  return cv::Rect(cvRound(r.left() * f), cvRound(r.top() * f), cvRound(r.width() * f), cvRound(r.height() * f));
}

}  // namespace portier::detail
