#include "models/image_io.h"

#include <cstdint>
#include <optional>
#include <utility>

#include <opencv2/imgcodecs.hpp>

namespace portier {

std::variant<cv::Mat, std::string> load_bgr_image(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return "image " + file.string() + " does not exist";
  cv::Mat image;
  try {
    image = cv::imread(file.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return "image " + file.string() + " cannot be decoded: " + e.what();
  }
  if (image.empty()) return "image " + file.string() + " is unreadable or not an image";
  return image;
}

namespace {

std::uint32_t big_endian(std::string_view b, size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

// Width and height from a JPEG's frame header (SOFn) or a PNG's IHDR, or
// nothing when the header cannot be read.
std::optional<std::pair<long long, long long>> header_size(std::string_view b) {
  if (b.size() >= 24 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8) && b.substr(12, 4) == "IHDR")
    return std::make_pair<long long, long long>(big_endian(b, 16, 4), big_endian(b, 20, 4));
  if (b.size() < 4 || static_cast<unsigned char>(b[0]) != 0xff || static_cast<unsigned char>(b[1]) != 0xd8)
    return std::nullopt;
  for (size_t at = 2; at + 4 <= b.size();) {
    if (static_cast<unsigned char>(b[at]) != 0xff) return std::nullopt;
    const unsigned marker = static_cast<unsigned char>(b[at + 1]);
    if (marker == 0xff) {  // fill byte
      ++at;
      continue;
    }
    const std::uint32_t length = big_endian(b, at + 2, 2);
    const bool sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (sof) {
      if (at + 9 > b.size()) return std::nullopt;
      return std::make_pair<long long, long long>(big_endian(b, at + 7, 2), big_endian(b, at + 5, 2));
    }
    if (marker == 0xda || length < 2) return std::nullopt;  // image data before any frame header
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::variant<cv::Mat, std::string> decode_bgr_image(std::string_view bytes, const std::string& what,
                                                    long long max_pixels) {
  const bool jpeg = bytes.size() >= 3 && bytes.substr(0, 3) == std::string_view("\xff\xd8\xff", 3);
  const bool png = bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8);
  if (!jpeg && !png) return what + " is not a JPEG or PNG image";
  const auto size = header_size(bytes);
  if (!size) return what + ": its header cannot be read (a damaged " + (jpeg ? "JPEG" : "PNG") + ")";
  if (size->first <= 0 || size->second <= 0 || size->first * size->second > max_pixels)
    return what + " is " + std::to_string(size->first) + "x" + std::to_string(size->second) + ": at most " +
           std::to_string(max_pixels / 1'000'000) + " megapixels";
  cv::Mat image;
  try {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    image = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return what + " cannot be decoded: " + e.what();
  }
  if (image.empty()) return what + " cannot be decoded (damaged or truncated)";
  return image;
}

}  // namespace portier
