#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include <opencv2/core.hpp>

namespace portier {

// An 8-bit BGR image, or why the file could not be used. Alpha is dropped and
// grey is expanded, so every caller sees one pixel format.
std::variant<cv::Mat, std::string> load_bgr_image(const std::filesystem::path& file);

}  // namespace portier
