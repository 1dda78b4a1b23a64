// The running service as the web console sees it (console/door_console.h):
// cmd_run wires each part to the pipeline, the door, the gate and the
// backend link it has.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <variant>

#include "app/live_jpeg_encoder.h"
#include "console/door_console.h"
#include "pipeline/live_view.h"

namespace portier {

struct ServiceParts {
  std::string device_id, version;
  std::function<std::string()> mode;  // the verification mode in force
  std::function<void(std::uint64_t& captured, std::uint64_t& dropped, size_t& decisions, size_t& granted)> counters;
  std::function<bool()> armed;
  std::function<void(bool)> set_armed;  // kept across restarts, published as the door state
  std::function<void(std::chrono::milliseconds)> pulse;
  std::function<std::optional<bool>()> door_open;
  std::function<bool()> unlocked;  // the strike, now
  // ("backend (HTTPS)", state) rows and the outbox backlog; empty: no backend.
  std::function<void(ConsoleStatus&)> links;
  const RecentDecisions* recent = nullptr;
  LiveView* live = nullptr;  // the pipeline's; null: no live view
  double live_fps = 5;       // [console] live_fps: frames encoded a second while anybody watches
  // `portier doctor`'s checks a running service can make (app/doctor_checks.h).
  std::function<std::vector<ConsoleCheck>()> checks;
  std::function<ConsoleUsers()> users;
  std::function<std::optional<std::string>(const std::string& name)> remove_user;
  std::function<UserChangeResult(const std::string& name, const UserChange& change)> change_user;
  // Enrols `name` from the photos `load(i)` gives (of sources.size()), by
  // `portier enroll`'s rules (app/enrolment.h).
  std::function<EnrolResult(const std::string& name, const std::vector<std::string>& sources,
                            const std::function<std::variant<cv::Mat, std::string>(size_t)>& load)>
      enrol;
  std::function<CalibrationResult(const std::vector<std::pair<cv::Mat, cv::Rect>>& faces)> calibrate;
};

class ServiceConsole final : public DoorConsole {
 public:
  explicit ServiceConsole(ServiceParts parts)
      : parts_(std::move(parts)),
        started_(std::chrono::steady_clock::now()),
        encoder_(parts_.live ? std::make_unique<LiveJpegEncoder>(*parts_.live, parts_.live_fps) : nullptr) {}
  ConsoleStatus status() override;
  void set_face_access(bool armed) override { parts_.set_armed(armed); }
  void unlock(std::chrono::milliseconds hold) override { parts_.pulse(hold); }
  void watch(bool on) override;
  std::optional<std::pair<std::uint64_t, std::string>> live_jpeg(std::uint64_t after) override;
  ConsoleUsers users() override { return parts_.users ? parts_.users() : ConsoleUsers{}; }
  std::optional<std::string> remove_user(const std::string& name) override;
  EnrolResult enrol(const std::string& name, const std::vector<UploadedPhoto>& photos) override;
  EnrolResult enrol_from_camera(const std::string& name) override;
  UserChangeResult change_user(const std::string& name, const UserChange& change) override {
    if (!parts_.change_user) return {"users cannot be changed here", "", ""};
    return parts_.change_user(name, change);
  }
  CalibrationResult calibrate_liveness() override;

 private:
  ServiceParts parts_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;  // the rate below
  std::chrono::steady_clock::time_point rate_at_{};
  std::uint64_t rate_captured_ = 0;
  double fps_ = 0;
  // The checks read the model files (a few hundred ms): made at most every
  // 5 minutes, not at every refresh of the page.
  std::vector<ConsoleCheck> checks_;
  std::chrono::steady_clock::time_point checked_at_{};
  std::unique_ptr<LiveJpegEncoder> encoder_;  // with a live view: the viewers' one encoder
};

}  // namespace portier
