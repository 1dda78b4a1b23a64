// Uploaded images: JPEG and PNG by their bytes, their size read from the
// header before anything is decoded, one clear reason for anything else.
#include "models/image_io.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

namespace portier {
namespace {

std::string encoded(const char* ext, int width = 64, int height = 48) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(40, 90, 160));
  std::vector<unsigned char> bytes;
  EXPECT_TRUE(cv::imencode(ext, image, bytes));
  return std::string(bytes.begin(), bytes.end());
}

std::string reason(const std::variant<cv::Mat, std::string>& got) {
  return std::holds_alternative<std::string>(got) ? std::get<std::string>(got) : "(decoded)";
}

TEST(DecodeImage, JpegAndPngDecodeToBgr) {
  for (const char* ext : {".jpg", ".png"}) {
    auto got = decode_bgr_image(encoded(ext), "face.x");
    ASSERT_TRUE(std::holds_alternative<cv::Mat>(got)) << ext << ": " << reason(got);
    EXPECT_EQ(std::get<cv::Mat>(got).size(), cv::Size(64, 48));
    EXPECT_EQ(std::get<cv::Mat>(got).type(), CV_8UC3);
  }
}

TEST(DecodeImage, AnythingElseIsRefusedNamingIt) {
  EXPECT_EQ(reason(decode_bgr_image("GIF89a...", "cat.gif")), "cat.gif is not a JPEG or PNG image");
  EXPECT_EQ(reason(decode_bgr_image(encoded(".bmp"), "face.jpg")), "face.jpg is not a JPEG or PNG image")
      << "the bytes decide, not the name";
  EXPECT_EQ(reason(decode_bgr_image("", "empty.png")), "empty.png is not a JPEG or PNG image");
}

TEST(DecodeImage, AHugeImageIsRefusedFromItsHeaderAlone) {
  std::string png = encoded(".png");
  // IHDR's width and height claim 100000 x 100000: 10 gigapixels from a few bytes.
  const unsigned char huge[8] = {0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0};
  png.replace(16, 8, reinterpret_cast<const char*>(huge), 8);
  EXPECT_EQ(reason(decode_bgr_image(png, "bomb.png")), "bomb.png is 100000x100000: at most 40 megapixels");
  EXPECT_NE(reason(decode_bgr_image(encoded(".jpg", 900, 600), "big.jpg", 500'000)).find("900x600"), std::string::npos);
}

TEST(DecodeImage, ATruncatedImageIsRefused) {
  const std::string jpeg = encoded(".jpg");
  EXPECT_NE(reason(decode_bgr_image(jpeg.substr(0, 3), "cut.jpg")).find("cut.jpg"), std::string::npos);
  const std::string png = encoded(".png");
  EXPECT_NE(reason(decode_bgr_image(png.substr(0, png.size() / 2), "cut.png")).find("cannot be decoded"),
            std::string::npos);
}

}  // namespace
}  // namespace portier
