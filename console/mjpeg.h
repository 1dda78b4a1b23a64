// Motion JPEG over HTTP (multipart/x-mixed-replace), as browsers show it in
// an <img>: a boundary line before every part, each part a JPEG with its
// own Content-Type and Content-Length, so a reader never has to scan the
// image for the boundary.
#pragma once

#include <string>
#include <string_view>

namespace portier {

inline constexpr const char* kMjpegBoundary = "portierframe";
inline constexpr const char* kMjpegContentType = "multipart/x-mixed-replace; boundary=portierframe";

// One part, boundary first.
std::string mjpeg_part(std::string_view jpeg);

}  // namespace portier
