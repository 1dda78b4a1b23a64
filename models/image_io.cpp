#include "models/image_io.h"

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

}  // namespace portier
