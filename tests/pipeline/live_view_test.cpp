// The live view's flow limiter and drawing: only the newest frame is kept,
// a frame is given once, decisions label their track's box, and drawing
// never touches the pipeline's frame.
#include "pipeline/live_view.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(LiveView, KeepsOnlyTheNewestFrameAndGivesItOnce) {
  LiveView live;
  EXPECT_FALSE(live.watched());
  live.watch();
  EXPECT_TRUE(live.watched());
  EXPECT_FALSE(live.newest(0));
  cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(0, 0, 0));
  for (std::uint64_t seq = 1; seq <= 3; ++seq) live.offer(seq, frame, {});
  auto got = live.newest(0);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 3u) << "the older frames were replaced, not queued";
  EXPECT_FALSE(live.newest(3)) << "nothing newer yet";
  live.unwatch();
  EXPECT_FALSE(live.watched());
}

TEST(LiveView, ADecisionLabelsItsTracksBoxInLaterFrames) {
  LiveView live;
  cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(0, 0, 0));
  live.offer(1, frame, {{7, cv::Rect(10, 10, 40, 40)}});
  EXPECT_TRUE(live.newest(0)->faces[0].label.empty()) << "undecided";
  Decision d;
  d.track_id = 7;
  d.verdict = Verdict::Granted;
  d.user_name = "lin";
  d.distance = 0.381f;
  d.liveness = 0.914;
  live.decided(d);
  Decision other;
  other.track_id = 8;
  other.verdict = Verdict::DeniedSpoof;
  live.decided(other);
  live.offer(2, frame, {{7, cv::Rect(12, 10, 40, 40)}, {8, cv::Rect(80, 10, 40, 40)}});
  const auto got = live.newest(1);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->faces.size(), 2u);
  EXPECT_EQ(got->faces[0].label, "lin 0.38 live 0.91");
  EXPECT_TRUE(got->faces[0].granted);
  EXPECT_EQ(got->faces[1].label, "spoof");
  EXPECT_FALSE(got->faces[1].granted);
}

TEST(LiveView, DrawingWorksOnACopyGreenForAGrantRedForARefusal) {
  LiveView live;
  cv::Mat frame(120, 160, CV_8UC3, cv::Scalar(0, 0, 0));
  Decision granted;
  granted.track_id = 1;
  granted.verdict = Verdict::Granted;
  granted.user_name = "lin";
  live.decided(granted);
  Decision refused;
  refused.track_id = 2;
  refused.verdict = Verdict::DeniedUnknown;
  live.decided(refused);
  live.offer(1, frame, {{1, cv::Rect(10, 40, 40, 40)}, {2, cv::Rect(100, 40, 40, 40)}});
  const cv::Mat drawn = LiveView::draw(*live.newest(0));
  EXPECT_EQ(cv::countNonZero(frame.reshape(1)), 0) << "the pipeline's frame is untouched";
  const auto left = drawn.at<cv::Vec3b>(60, 10), right = drawn.at<cv::Vec3b>(60, 100);  // on each box's left edge
  EXPECT_GT(left[1], left[2]) << "green";
  EXPECT_GT(right[2], right[1]) << "red";
}

}  // namespace
}  // namespace portier
