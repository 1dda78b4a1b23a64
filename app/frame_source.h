// The frame source of a command that reads frames itself (liveness
// calibrate, liveness capture), as opposed to the service's pipeline.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "hal/camera.h"

namespace portier {

// `source` (a --source flag, or camera.source), opened with the config's
// camera options and files not paced: every frame is read as fast as asked.
// CommandError (exit 1) naming the source when it cannot be opened.
std::unique_ptr<Camera> open_unpaced_source(const Config& config, const std::string& source);

}  // namespace portier
