#include "hal/reconnecting_camera.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace portier {
namespace {

using namespace std::chrono_literals;

// Gives `frames` frames, then fails like an unplugged device.
class FlakyCamera final : public Camera {
 public:
  explicit FlakyCamera(int frames) : left_(frames) {}
  std::optional<CapturedFrame> read() override {
    if (left_-- <= 0) return std::nullopt;
    return CapturedFrame{cv::Mat(4, 4, CV_8UC3), std::chrono::steady_clock::now()};
  }
  bool realtime() const override { return true; }
  double nominal_fps() const override { return 30; }
  std::string error() const override { return "usb disconnect"; }
  std::string describe() const override { return "v4l2:/dev/video0"; }

 private:
  int left_;
};

struct Statuses {
  std::mutex mutex;
  std::vector<std::string> seen;
  CameraStatusHandler handler() {
    return [this](const std::string& status, const std::string&) {
      std::lock_guard lock(mutex);
      seen.push_back(status);
    };
  }
};

TEST(ReconnectingCamera, ReportsDownRetriesWithBackoffAndComesBackUp) {
  Statuses statuses;
  std::atomic<int> attempts{0};
  ReconnectingCamera camera(
      std::make_unique<FlakyCamera>(2),
      [&]() -> std::variant<std::unique_ptr<Camera>, std::string> {
        if (attempts.fetch_add(1) < 2) return std::string("camera device /dev/video0 does not exist");
        return std::unique_ptr<Camera>(std::make_unique<FlakyCamera>(100));
      },
      statuses.handler(), Backoff{5ms, 40ms});
  int frames = 0;
  const auto beat = camera.heartbeat();
  for (int i = 0; i < 5; ++i) frames += camera.read().has_value();
  EXPECT_EQ(frames, 5) << "frames flow again after the reconnect";
  EXPECT_EQ(attempts.load(), 3) << "two failed reopen attempts, then success";
  EXPECT_GT(camera.heartbeat(), beat) << "the watchdog sees the retries";
  EXPECT_EQ(statuses.seen, (std::vector<std::string>{"camera_down", "camera_up"}));
  EXPECT_TRUE(camera.error().empty());
}

TEST(ReconnectingCamera, InterruptEndsAReadThatIsWaitingToRetry) {
  ReconnectingCamera camera(
      std::make_unique<FlakyCamera>(0),
      []() -> std::variant<std::unique_ptr<Camera>, std::string> { return std::string("still unplugged"); },
      nullptr, Backoff{10s, 10s});
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    camera.interrupt();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(camera.read().has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "did not sit out the 10 s backoff";
  stopper.join();
  EXPECT_EQ(camera.error(), "usb disconnect");
}

TEST(OpenCamera, LibcameraWithoutACameraIsAClearError) {
  auto opened = open_camera("libcamera:", {});
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("libcamera"), std::string::npos) << std::get<std::string>(opened);
}

}  // namespace
}  // namespace portier
