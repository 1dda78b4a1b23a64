#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "hal/camera.h"

namespace portier {

// status: camera_down (detail: why) or camera_up (detail: which device).
using CameraStatusHandler = std::function<void(const std::string& status, const std::string& detail)>;
using CameraOpener = std::function<std::variant<std::unique_ptr<Camera>, std::string>()>;

struct Backoff {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
};

// A device camera that survives unplugging: when a read fails it reports
// camera_down, reopens with exponential backoff (the door meanwhile stays as
// configured: locked unless the relay is energised) and reports camera_up
// when frames flow again. read() only gives up when interrupted.
class ReconnectingCamera final : public Camera {
 public:
  ReconnectingCamera(std::unique_ptr<Camera> first, CameraOpener reopen, CameraStatusHandler on_status,
                     Backoff backoff = {});

  std::optional<CapturedFrame> read() override;
  void interrupt() override;
  bool realtime() const override { return true; }
  double nominal_fps() const override { return fps_; }
  std::string error() const override;
  std::string describe() const override { return description_; }
  std::uint64_t heartbeat() const override { return heartbeat_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<Camera> camera_;  // used by the reading thread; swapped under mutex_
  CameraOpener reopen_;
  CameraStatusHandler on_status_;
  Backoff backoff_;
  double fps_;
  std::string description_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool interrupted_ = false;  // guarded by mutex_
  std::string error_;         // guarded by mutex_
  std::atomic<std::uint64_t> heartbeat_{0};
};

}  // namespace portier
