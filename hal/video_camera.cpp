#include "hal/video_camera.h"

#include <filesystem>
#include <thread>

namespace portier {

VideoCamera::VideoCamera(cv::VideoCapture capture, std::string description, bool is_device, bool paced)
    : capture_(std::move(capture)),
      description_(std::move(description)),
      is_device_(is_device),
      paced_(paced && !is_device),
      realtime_(is_device || paced_),
      fps_(capture_.get(cv::CAP_PROP_FPS)) {
  if (!(fps_ > 0.0 && fps_ < 1000.0)) fps_ = 0.0;
}

std::variant<std::unique_ptr<Camera>, std::string> VideoCamera::open_file(const std::string& path, bool paced,
                                                                         bool loop) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "video " + path + " does not exist";
  cv::VideoCapture capture(path, cv::CAP_ANY);
  if (!capture.isOpened()) return "video " + path + " cannot be opened (unreadable or not a video OpenCV can decode)";
  auto camera = std::unique_ptr<VideoCamera>(new VideoCamera(std::move(capture), "video:" + path, false, paced));
  camera->loop_ = loop;
  return std::unique_ptr<Camera>(std::move(camera));
}

std::variant<std::unique_ptr<Camera>, std::string> VideoCamera::open_v4l2(const std::string& device,
                                                                         const CameraOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(device, ec)) return "camera device " + device + " does not exist";
  cv::VideoCapture capture(device, cv::CAP_V4L2);
  if (!capture.isOpened()) return "camera device " + device + " cannot be opened (busy, or not a capture device)";
  capture.set(cv::CAP_PROP_FRAME_WIDTH, options.width);
  capture.set(cv::CAP_PROP_FRAME_HEIGHT, options.height);
  capture.set(cv::CAP_PROP_FPS, options.fps);
  capture.set(cv::CAP_PROP_BUFFERSIZE, 1);  // the newest frame, not a queue of stale ones
  return std::unique_ptr<Camera>(new VideoCamera(std::move(capture), "v4l2:" + device, true, false));
}

std::optional<CapturedFrame> VideoCamera::read() {
  if (paced_ && fps_ > 0.0) {
    // Deliver frame i no earlier than i/fps after the first: a replayed file
    // then loads the pipeline exactly as the camera that recorded it would.
    if (frame_index_ == 0) start_ = std::chrono::steady_clock::now();
    const auto due = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(static_cast<double>(frame_index_) / fps_));
    std::this_thread::sleep_until(due);
  }
  CapturedFrame frame;
  if (!capture_.read(frame.bgr) || frame.bgr.empty()) {
    if (is_device_) error_ = description_ + " stopped delivering frames";
    // Looping: from the first frame again, paced from now. A file with no
    // frame at all ends the run rather than spin.
    if (loop_ && frame_index_ > 0 && capture_.set(cv::CAP_PROP_POS_FRAMES, 0)) {
      frame_index_ = 0;
      return read();
    }
    return std::nullopt;
  }
  frame.captured = std::chrono::steady_clock::now();
  ++frame_index_;
  return frame;
}

}  // namespace portier
