// The live view's one encoder: it works only while someone watches, every
// viewer gets the same bytes, frames come out scaled to 640 px with the
// boxes drawn in.
#include "app/live_jpeg_encoder.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <opencv2/imgcodecs.hpp>
#include <thread>

namespace portier {
namespace {

using namespace std::chrono_literals;

template <typename F>
bool eventually(F f) {
  for (int i = 0; i < 200; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(LiveJpegEncoder, EncodesTheNewestFrameOnceForEveryViewerAndOnlyWhileWatched) {
  LiveView live;
  LiveJpegEncoder encoder(live, 20);
  cv::Mat frame(720, 1280, CV_8UC3, cv::Scalar(90, 90, 90));
  live.offer(1, frame, {{7, cv::Rect(400, 200, 200, 200)}});
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(encoder.encoded(), 0u) << "nobody watches: nothing kept, nothing encoded";
  EXPECT_FALSE(encoder.newest(0));

  encoder.watch(true);
  encoder.watch(true);  // a second viewer
  live.offer(2, frame, {{7, cv::Rect(400, 200, 200, 200)}});
  // The frame offered before anyone watched may be encoded first: the newest follows.
  ASSERT_TRUE(eventually([&] {
    const auto n = encoder.newest(0);
    return n && n->first == 2;
  }));
  const auto a = encoder.newest(0), b = encoder.newest(0);
  EXPECT_EQ(a->first, 2u);
  EXPECT_EQ(a->second.get(), b->second.get()) << "both viewers share one encoding";
  EXPECT_FALSE(encoder.newest(2)) << "nothing newer than what the viewer has";
  const cv::Mat decoded = cv::imdecode(cv::Mat(1, static_cast<int>(a->second->size()), CV_8U,
                                               const_cast<char*>(a->second->data())),
                                       cv::IMREAD_COLOR);
  ASSERT_FALSE(decoded.empty()) << "a valid JPEG";
  EXPECT_EQ(decoded.cols, 640);
  EXPECT_EQ(decoded.rows, 360);
  // The undecided face's white box, scaled with the frame: (200,100) 100x100.
  const cv::Vec3b edge = decoded.at<cv::Vec3b>(150, 200);
  EXPECT_GT(edge[0], 200) << "box drawn at the scaled place";
  EXPECT_EQ(frame.at<cv::Vec3b>(300, 400), cv::Vec3b(90, 90, 90)) << "the pipeline's frame is never written";

  live.offer(3, frame, {});
  ASSERT_TRUE(eventually([&] { return encoder.newest(2).has_value(); }));
  encoder.watch(false);
  encoder.watch(false);
  EXPECT_FALSE(live.watched());
  const auto done = encoder.encoded();
  live.offer(4, frame, {});
  std::this_thread::sleep_for(200ms);
  EXPECT_LE(encoder.encoded(), done + 1) << "at most the frame in hand when the last viewer left";
}

}  // namespace
}  // namespace portier
