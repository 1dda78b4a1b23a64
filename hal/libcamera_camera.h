#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include <libcamera/libcamera.h>

#include "hal/camera.h"

namespace portier {

// The Raspberry Pi camera through libcamera. Debian 12 ships libcamera 0.0.3;
// Raspberry Pi OS ships its own newer fork, where some names moved (e.g.
// `transform` became `orientation`). This driver keeps to the subset both
// have: camera manager, one VideoRecording stream in RGB888, frame buffers
// from the allocator, FrameDurationLimits for the frame rate.
class LibcameraCamera final : public Camera {
 public:
  // id: a libcamera camera id, or empty for the first camera.
  static std::variant<std::unique_ptr<Camera>, std::string> open(const std::string& id, const CameraOptions& options);
  ~LibcameraCamera() override;

  std::optional<CapturedFrame> read() override;
  void interrupt() override;
  bool realtime() const override { return true; }
  double nominal_fps() const override { return fps_; }
  std::string error() const override { return error_; }
  std::string describe() const override { return "libcamera:" + id_; }

 private:
  LibcameraCamera() = default;
  std::string start(const std::string& id, const CameraOptions& options);  // empty on success
  void on_request_completed(libcamera::Request* request);  // libcamera's thread

  std::unique_ptr<libcamera::CameraManager> manager_;
  std::shared_ptr<libcamera::Camera> camera_;
  std::unique_ptr<libcamera::CameraConfiguration> config_;
  std::unique_ptr<libcamera::FrameBufferAllocator> allocator_;
  std::vector<std::unique_ptr<libcamera::Request>> requests_;
  std::map<const libcamera::FrameBuffer*, std::pair<unsigned char*, size_t>> mapped_;
  libcamera::Stream* stream_ = nullptr;
  bool acquired_ = false;
  bool started_ = false;
  std::string id_;
  double fps_ = 0.0;
  std::string error_;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<libcamera::Request*> completed_;  // guarded by mutex_
  bool interrupted_ = false;                   // guarded by mutex_
};

}  // namespace portier
