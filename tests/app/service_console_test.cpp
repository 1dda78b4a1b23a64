// The console's camera actions on the service: enrolment from the camera
// and liveness calibration take frames from the live view, paced, for a
// bounded time, and stop watching however they end.
#include "app/service_console.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace portier {
namespace {

using namespace std::chrono_literals;

// Stands for the track stage: offers a frame every 10 ms while anybody
// watches, two faces in every third frame and one in the others. Each frame's pixels
// hold its number, so the frames a caller took can be told apart.
class FrameFeeder {
 public:
  explicit FrameFeeder(LiveView& live) : live_(live), thread_([this] { run(); }) {}
  ~FrameFeeder() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }

 private:
  void run() {
    for (std::uint64_t seq = 1; !stop_.load(std::memory_order_relaxed); ++seq) {
      const cv::Mat frame(48, 64, CV_32SC1, cv::Scalar(static_cast<double>(seq)));
      std::vector<std::pair<std::uint64_t, cv::Rect>> faces{{1, cv::Rect(4, 4, 20, 20)}};
      if (seq % 3 == 0) faces.push_back({2, cv::Rect(30, 4, 20, 20)});
      live_.offer(seq, frame, faces);
      std::this_thread::sleep_for(10ms);
    }
  }
  LiveView& live_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A console on a live view whose enrolment and calibration record what they
// were given.
struct Rig {
  LiveView live;
  std::vector<int> enrolled;  // the frames' numbers
  std::vector<std::pair<cv::Mat, cv::Rect>> calibrated;
  ServiceConsole console{parts()};

  ServiceParts parts() {
    ServiceParts p;
    p.live = &live;
    p.enrol = [this](const std::string&, const std::vector<std::string>& sources,
                     const std::function<std::variant<cv::Mat, std::string>(size_t)>& load) {
      for (size_t i = 0; i < sources.size(); ++i) enrolled.push_back(std::get<cv::Mat>(load(i)).at<int>(0, 0));
      EnrolResult r;
      r.enrolled = true;
      r.accepted = sources.size();
      return r;
    };
    p.calibrate = [this](const std::vector<std::pair<cv::Mat, cv::Rect>>& faces) {
      calibrated = faces;
      return CalibrationResult{true, "calibrated"};
    };
    return p;
  }
};

TEST(ServiceConsole, EnrolmentFromTheCameraTakesFourDifferentFramesSpacedApartAndStopsWatching) {
  Rig rig;
  FrameFeeder feeder(rig.live);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(rig.console.enrol_from_camera("fay").enrolled);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(rig.enrolled.size(), 4u);
  EXPECT_EQ(std::set<int>(rig.enrolled.begin(), rig.enrolled.end()).size(), 4u) << "four different frames";
  EXPECT_GE(took, 1200ms) << "three gaps of 0.4 s between the four frames";
  EXPECT_FALSE(rig.live.watched()) << "the live view is no longer kept once enrolment has its frames";
}

TEST(ServiceConsole, EnrolmentFromACameraThatSendsNothingFailsAndStopsWatching) {
  Rig rig;
  const auto r = rig.console.enrol_from_camera("fay");
  EXPECT_FALSE(r.enrolled);
  EXPECT_NE(r.error.find("no frame came from the camera"), std::string::npos) << r.error;
  EXPECT_TRUE(rig.enrolled.empty()) << "nothing was enrolled";
  EXPECT_FALSE(rig.live.watched());
}

TEST(ServiceConsole, CalibrationTakesOnlyFramesWithExactlyOneFaceAndStopsWatching) {
  Rig rig;
  FrameFeeder feeder(rig.live);
  EXPECT_TRUE(rig.console.calibrate_liveness().calibrated);
  ASSERT_EQ(rig.calibrated.size(), 40u);
  std::set<int> different;
  for (const auto& [frame, box] : rig.calibrated) {
    EXPECT_EQ(box, cv::Rect(4, 4, 20, 20)) << "the one face's box";
    EXPECT_NE(frame.at<int>(0, 0) % 3, 0) << "a frame with two faces is never taken: whose face would it be?";
    different.insert(frame.at<int>(0, 0));
  }
  EXPECT_EQ(different.size(), 40u) << "frames 0.2 s apart, not one frame again and again";
  EXPECT_FALSE(rig.live.watched());
}

}  // namespace
}  // namespace portier
