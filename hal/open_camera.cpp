#include "hal/camera.h"
#include "hal/image_dir_camera.h"
#include "hal/libcamera_camera.h"
#include "hal/video_camera.h"

namespace portier {

std::variant<std::unique_ptr<Camera>, std::string> open_camera(std::string_view uri, const CameraOptions& options) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || (colon + 1 == uri.size() && uri.substr(0, colon) != "libcamera"))
    return "camera source '" + std::string(uri) + "' must be video:PATH, images:DIR, v4l2:/dev/videoN or libcamera:[ID]";
  const std::string scheme(uri.substr(0, colon));
  const std::string target(uri.substr(colon + 1));
  if (scheme == "video") return VideoCamera::open_file(target, options.pace_files, options.loop_files);
  if (scheme == "images") return ImageDirCamera::open(target);
  if (scheme == "v4l2") return VideoCamera::open_v4l2(target, options);
  if (scheme == "libcamera") return LibcameraCamera::open(target, options);
  return "camera source scheme '" + scheme + "' is unknown (video:, images:, v4l2:, libcamera:)";
}

}  // namespace portier
