#include "hal/image_dir_camera.h"

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

namespace portier {

std::variant<std::unique_ptr<Camera>, std::string> ImageDirCamera::open(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return "image folder " + dir.string() + " does not exist";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && cv::haveImageReader(entry.path().string())) files.push_back(entry.path());
  if (files.empty()) return "image folder " + dir.string() + " holds no readable images";
  std::sort(files.begin(), files.end());
  return std::unique_ptr<Camera>(new ImageDirCamera(dir, std::move(files)));
}

std::optional<CapturedFrame> ImageDirCamera::read() {
  while (next_ < files_.size()) {
    const auto& file = files_[next_++];
    CapturedFrame frame{cv::imread(file.string(), cv::IMREAD_COLOR), std::chrono::steady_clock::now()};
    if (!frame.bgr.empty()) return frame;
    spdlog::warn("skipping {}: unreadable or not an image", file.string());
  }
  return std::nullopt;
}

}  // namespace portier
