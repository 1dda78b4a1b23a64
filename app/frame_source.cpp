#include "app/frame_source.h"

#include "app/command_context.h"

namespace portier {

std::unique_ptr<Camera> open_unpaced_source(const Config& config, const std::string& source) {
  CameraOptions options = config.camera;
  options.pace_files = false;
  auto opened = open_camera(source, options);
  if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitFailure, *why);
  return std::move(std::get<std::unique_ptr<Camera>>(opened));
}

}  // namespace portier
