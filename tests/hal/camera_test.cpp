#include "hal/camera.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "tests/test_support.h"

namespace portier {
namespace {

std::string open_error(const std::string& uri) {
  auto opened = open_camera(uri, {});
  auto* why = std::get_if<std::string>(&opened);
  return why ? *why : "";
}

TEST(OpenCamera, RejectsMalformedAndUnknownSources) {
  EXPECT_NE(open_error("/dev/video0").find("must be video:PATH"), std::string::npos);
  EXPECT_NE(open_error("rtsp://cam").find("scheme 'rtsp' is unknown"), std::string::npos);
  EXPECT_NE(open_error("video:/no/such.mp4").find("/no/such.mp4 does not exist"), std::string::npos);
  EXPECT_NE(open_error("images:/no/such/dir").find("does not exist"), std::string::npos);
  EXPECT_NE(open_error("v4l2:/dev/video99").find("/dev/video99 does not exist"), std::string::npos);
}

TEST(OpenCamera, ACorruptVideoIsRefused) {
  test::TempDir dir;
  test::write_file(dir / "broken.mp4", std::string(10000, '\x42'));
  EXPECT_NE(open_error("video:" + (dir / "broken.mp4").string()).find("cannot be opened"), std::string::npos);
}

TEST(VideoCamera, ReadsEveryFrameOfTheClipUnpaced) {
  auto opened = open_camera("video:" + (test::kDataDir / "video/short_hamilton_clip.mp4").string(), {.pace_files = false});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Camera>>(opened)) << std::get<std::string>(opened);
  auto& camera = *std::get<std::unique_ptr<Camera>>(opened);
  EXPECT_FALSE(camera.realtime());
  EXPECT_NEAR(camera.nominal_fps(), 29.97, 0.01);
  int frames = 0;
  while (auto frame = camera.read()) {
    EXPECT_EQ(frame->bgr.cols, 640);
    EXPECT_EQ(frame->bgr.rows, 360);
    ++frames;
  }
  EXPECT_EQ(frames, 275);
  EXPECT_TRUE(camera.error().empty()) << "end of file is not an error";
}

TEST(VideoCamera, ALoopedFileStartsAgainFromItsFirstFrame) {
  auto opened = open_camera("video:" + (test::kDataDir / "video/short_hamilton_clip.mp4").string(),
                            {.pace_files = false, .loop_files = true});
  auto& camera = *std::get<std::unique_ptr<Camera>>(opened);
  const auto first = camera.read();
  ASSERT_TRUE(first);
  for (int i = 1; i < 275; ++i) ASSERT_TRUE(camera.read()) << "frame " << i;
  const auto again = camera.read();
  ASSERT_TRUE(again) << "past the end: the clip again";
  EXPECT_EQ(cv::norm(first->bgr, again->bgr, cv::NORM_INF), 0.0) << "the first frame, not the last";
  EXPECT_TRUE(camera.error().empty());
}

TEST(VideoCamera, APacedFileIsRealtime) {
  auto opened = open_camera("video:" + (test::kDataDir / "video/short_hamilton_clip.mp4").string(), {.pace_files = true});
  auto& camera = *std::get<std::unique_ptr<Camera>>(opened);
  EXPECT_TRUE(camera.realtime());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(camera.read());
  // 16 frames at 29.97 fps: the 16th is due 0.5 s after the first.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(480));
}

TEST(ImageDirCamera, ReadsImagesInNameOrderAndSkipsOthers) {
  test::TempDir dir;
  cv::imwrite((dir / "b.png").string(), cv::Mat(10, 20, CV_8UC3, cv::Scalar(2, 2, 2)));
  cv::imwrite((dir / "a.png").string(), cv::Mat(10, 20, CV_8UC3, cv::Scalar(1, 1, 1)));
  test::write_file(dir / "notes.txt", "not an image");
  auto opened = open_camera("images:" + dir.path().string(), {});
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<Camera>>(opened));
  auto& camera = *std::get<std::unique_ptr<Camera>>(opened);
  EXPECT_FALSE(camera.realtime());
  EXPECT_EQ(camera.read()->bgr.at<cv::Vec3b>(0, 0)[0], 1);
  EXPECT_EQ(camera.read()->bgr.at<cv::Vec3b>(0, 0)[0], 2);
  EXPECT_FALSE(camera.read());
}

}  // namespace
}  // namespace portier
