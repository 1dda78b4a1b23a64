#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <opencv2/core.hpp>

namespace portier {

struct CapturedFrame {
  cv::Mat bgr;
  std::chrono::steady_clock::time_point captured;  // when the frame was handed to us
};

// A source of frames: a device, a replayed video or a folder of images.
class Camera {
 public:
  virtual ~Camera() = default;
  // Blocks until the next frame. std::nullopt at the end of a file source or
  // on a device error (then error() says which).
  virtual std::optional<CapturedFrame> read() = 0;
  // True when frames come on a clock (a device, or a file replayed at its
  // frame rate): a consumer that falls behind must drop, not queue.
  virtual bool realtime() const = 0;
  virtual double nominal_fps() const = 0;  // 0 when unknown
  virtual std::string error() const = 0;
  virtual std::string describe() const = 0;
  // Makes a blocked read() return std::nullopt soon (shutdown). Safe from any
  // thread; sources whose read() never blocks for long need not override it.
  virtual void interrupt() {}
  // Moves while the source is alive but has no frames to give (reconnecting):
  // the watchdog tells a camera being retried from a hung capture thread.
  virtual std::uint64_t heartbeat() const { return 0; }
};

struct CameraOptions {
  // Replay video files at their own frame rate, as a camera would deliver them.
  // Off for throughput measurement: then every frame is read as fast as asked.
  bool pace_files = true;
  // Start a video file again when it ends (`portier run --loop`: demos, the
  // console's browser test), instead of ending the run.
  bool loop_files = false;
  // What devices are asked for (files and folders deliver what they hold).
  int width = 640;
  int height = 480;
  double fps = 30.0;
};

// URIs: video:PATH (any file OpenCV reads), images:DIR (sorted file names),
// v4l2:/dev/videoN, libcamera: (first camera) or libcamera:ID. Returns the
// camera or a one-line reason.
std::variant<std::unique_ptr<Camera>, std::string> open_camera(std::string_view uri, const CameraOptions& options);

}  // namespace portier
