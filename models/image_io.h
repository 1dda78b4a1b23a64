#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include <opencv2/core.hpp>

namespace portier {

// An 8-bit BGR image, or why the file could not be used. Alpha is dropped and
// grey is expanded, so every caller sees one pixel format.
std::variant<cv::Mat, std::string> load_bgr_image(const std::filesystem::path& file);

// The same from an upload: JPEG or PNG only (told by their first bytes, not
// by any name), at most `max_pixels`, checked from the header before
// anything is decoded (a few KB of PNG can claim gigapixels). `what` names
// the image in the reason.
std::variant<cv::Mat, std::string> decode_bgr_image(std::string_view bytes, const std::string& what,
                                                    long long max_pixels = 40'000'000);

}  // namespace portier
