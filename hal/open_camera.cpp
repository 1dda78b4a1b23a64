#include "hal/camera.h"
#include "hal/image_dir_camera.h"
#include "hal/video_camera.h"

namespace portier {

std::variant<std::unique_ptr<Camera>, std::string> open_camera(std::string_view uri, const CameraOptions& options) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon + 1 == uri.size())
    return "camera source '" + std::string(uri) + "' must be video:PATH, images:DIR or v4l2:/dev/videoN";
  const std::string scheme(uri.substr(0, colon));
  const std::string target(uri.substr(colon + 1));
  if (scheme == "video") return VideoCamera::open_file(target, options.pace_files);
  if (scheme == "images") return ImageDirCamera::open(target);
  if (scheme == "v4l2") return VideoCamera::open_v4l2(target);
  return "camera source scheme '" + scheme + "' is unknown (video:, images:, v4l2:)";
}

}  // namespace portier
