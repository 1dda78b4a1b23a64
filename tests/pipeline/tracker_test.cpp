#include "pipeline/tracker.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(IouTracker, FollowsAMovingFaceUnderOneId) {
  IouTracker tracker({0.3, 2});
  auto first = tracker.update({cv::Rect(100, 100, 80, 80)});
  ASSERT_EQ(first.faces.size(), 1u);
  EXPECT_TRUE(first.faces[0].is_new);
  for (int step = 1; step <= 10; ++step) {
    auto next = tracker.update({cv::Rect(100 + 5 * step, 100 + 2 * step, 80, 80)});
    EXPECT_FALSE(next.faces[0].is_new);
    EXPECT_EQ(next.faces[0].track_id, first.faces[0].track_id);
  }
}

TEST(IouTracker, SurvivesMissedDetectionsThenEnds) {
  IouTracker tracker({0.3, 2});
  const auto id = tracker.update({cv::Rect(0, 0, 50, 50)}).faces[0].track_id;
  EXPECT_TRUE(tracker.update({}).ended.empty());
  EXPECT_TRUE(tracker.update({}).ended.empty());
  const auto gone = tracker.update({});
  ASSERT_EQ(gone.ended.size(), 1u);
  EXPECT_EQ(gone.ended[0], id);
  EXPECT_EQ(tracker.live_tracks(), 0u);
}

TEST(IouTracker, ReturningAfterAMissKeepsTheId) {
  IouTracker tracker({0.3, 2});
  const auto id = tracker.update({cv::Rect(0, 0, 50, 50)}).faces[0].track_id;
  tracker.update({});
  const auto back = tracker.update({cv::Rect(2, 2, 50, 50)});
  EXPECT_EQ(back.faces[0].track_id, id);
  EXPECT_FALSE(back.faces[0].is_new);
}

TEST(IouTracker, TwoFacesKeepTheirOwnTracks) {
  IouTracker tracker({0.3, 2});
  const auto start = tracker.update({cv::Rect(0, 0, 60, 60), cv::Rect(300, 0, 60, 60)});
  // Given in the other order, each box still goes to its own track.
  const auto next = tracker.update({cv::Rect(305, 2, 60, 60), cv::Rect(4, 1, 60, 60)});
  EXPECT_EQ(next.faces[0].track_id, start.faces[1].track_id);
  EXPECT_EQ(next.faces[1].track_id, start.faces[0].track_id);
}

TEST(IouTracker, AFaceFarAwayStartsANewTrack) {
  IouTracker tracker({0.3, 2});
  const auto a = tracker.update({cv::Rect(0, 0, 60, 60)}).faces[0].track_id;
  const auto b = tracker.update({cv::Rect(400, 300, 60, 60)}).faces[0];
  EXPECT_TRUE(b.is_new);
  EXPECT_NE(b.track_id, a);
}

TEST(Iou, OfIdenticalAndDisjointBoxes) {
  EXPECT_DOUBLE_EQ(iou(cv::Rect(0, 0, 10, 10), cv::Rect(0, 0, 10, 10)), 1.0);
  EXPECT_DOUBLE_EQ(iou(cv::Rect(0, 0, 10, 10), cv::Rect(20, 20, 10, 10)), 0.0);
  EXPECT_NEAR(iou(cv::Rect(0, 0, 10, 10), cv::Rect(5, 0, 10, 10)), 50.0 / 150.0, 1e-9);
}

}  // namespace
}  // namespace portier
