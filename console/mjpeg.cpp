#include "console/mjpeg.h"

#include <fmt/format.h>

namespace portier {

std::string mjpeg_part(std::string_view jpeg) {
  std::string part = fmt::format("--{}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n", kMjpegBoundary, jpeg.size());
  part.append(jpeg);
  part += "\r\n";
  return part;
}

}  // namespace portier
