#pragma once

#include <opencv2/videoio.hpp>

#include "hal/camera.h"

namespace portier {

// A video file or a V4L2 device through OpenCV's videoio.
class VideoCamera final : public Camera {
 public:
  static std::variant<std::unique_ptr<Camera>, std::string> open_file(const std::string& path, bool paced,
                                                                      bool loop = false);
  static std::variant<std::unique_ptr<Camera>, std::string> open_v4l2(const std::string& device,
                                                                      const CameraOptions& options);

  std::optional<CapturedFrame> read() override;
  bool realtime() const override { return realtime_; }
  double nominal_fps() const override { return fps_; }
  std::string error() const override { return error_; }
  std::string describe() const override { return description_; }

 private:
  VideoCamera(cv::VideoCapture capture, std::string description, bool is_device, bool paced);

  cv::VideoCapture capture_;
  std::string description_;
  bool is_device_;
  bool paced_;
  bool loop_ = false;
  bool realtime_;
  double fps_;
  long frame_index_ = 0;
  std::chrono::steady_clock::time_point start_{};
  std::string error_;
};

}  // namespace portier
