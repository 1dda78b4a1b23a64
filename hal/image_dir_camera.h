#pragma once

#include <filesystem>
#include <vector>

#include "hal/camera.h"

namespace portier {

// Every image of a folder, in file-name order, one frame each. Not realtime:
// a folder is a test fixture, so no image is dropped.
class ImageDirCamera final : public Camera {
 public:
  static std::variant<std::unique_ptr<Camera>, std::string> open(const std::filesystem::path& dir);

  std::optional<CapturedFrame> read() override;
  bool realtime() const override { return false; }
  double nominal_fps() const override { return 0.0; }
  std::string error() const override { return error_; }
  std::string describe() const override { return "images:" + dir_.string(); }

 private:
  ImageDirCamera(std::filesystem::path dir, std::vector<std::filesystem::path> files)
      : dir_(std::move(dir)), files_(std::move(files)) {}

  std::filesystem::path dir_;
  std::vector<std::filesystem::path> files_;
  size_t next_ = 0;
  std::string error_;
};

}  // namespace portier
