#include "hal/reconnecting_camera.h"

#include <spdlog/spdlog.h>

namespace portier {

ReconnectingCamera::ReconnectingCamera(std::unique_ptr<Camera> first, CameraOpener reopen,
                                       CameraStatusHandler on_status, Backoff backoff)
    : camera_(std::move(first)),
      reopen_(std::move(reopen)),
      on_status_(std::move(on_status)),
      backoff_(backoff),
      fps_(camera_->nominal_fps()),
      description_(camera_->describe()) {}

std::string ReconnectingCamera::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void ReconnectingCamera::interrupt() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
  if (camera_) camera_->interrupt();
  wake_.notify_all();
}

std::optional<CapturedFrame> ReconnectingCamera::read() {
  auto delay = backoff_.initial;
  for (;;) {
    Camera* camera = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (interrupted_) return std::nullopt;
      camera = camera_.get();
    }
    if (camera) {
      if (auto frame = camera->read()) return frame;
      std::unique_lock lock(mutex_);
      if (interrupted_) return std::nullopt;
      error_ = camera->error().empty() ? description_ + " stopped delivering frames" : camera->error();
      spdlog::error("camera down: {}; reconnecting", error_);
      auto gone = std::move(camera_);
      lock.unlock();
      gone.reset();  // release the device before opening it again
      if (on_status_) on_status_("camera_down", error_);
      delay = backoff_.initial;
    }
    {
      std::unique_lock lock(mutex_);
      heartbeat_.fetch_add(1, std::memory_order_relaxed);
      if (wake_.wait_for(lock, delay, [&] { return interrupted_; })) return std::nullopt;
    }
    auto opened = reopen_();
    heartbeat_.fetch_add(1, std::memory_order_relaxed);
    if (auto* why = std::get_if<std::string>(&opened)) {
      std::lock_guard lock(mutex_);
      error_ = *why;
      delay = std::min(delay * 2, backoff_.max);
      spdlog::warn("camera still down ({}); next try in {} ms", *why, delay.count());
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      camera_ = std::move(std::get<std::unique_ptr<Camera>>(opened));
      error_.clear();
      if (interrupted_) camera_->interrupt();
    }
    spdlog::info("camera up: {}", description_);
    if (on_status_) on_status_("camera_up", description_);
  }
}

}  // namespace portier
