#include "app/command_context.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>

#include <cstdlib>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "access/gallery.h"

// Present only when the BLAS in use is OpenBLAS; weak so that any other BLAS
// (the reference one, or a Pi build against BLIS) still links and runs.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace portier {

void set_blas_threads(int threads) {
  if (openblas_set_num_threads) openblas_set_num_threads(threads);
}

Config prepare(const std::string& config_flag, ModelCheck check) {
  Config config = load_config(resolve_config_path(config_flag), check);
  // Logs go to stderr; stdout carries results (events, reports) for other tools.
  // Under systemd (JOURNAL_STREAM set) they go to the journal directly, with
  // their priority and without a second timestamp.
  std::shared_ptr<spdlog::logger> logger;
  if (const char* journal = std::getenv("JOURNAL_STREAM"); journal && *journal) {
    logger = std::make_shared<spdlog::logger>("portier", std::make_shared<spdlog::sinks::systemd_sink_mt>("portier"));
    logger->set_pattern("%v");
  } else {
    logger = spdlog::stderr_color_mt("portier");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  set_blas_threads(config.blas_threads);
  return config;
}

std::unique_ptr<BackendLink> open_backend_link(const Config& c, Relay& relay, EventSink* echo, DoorState* door_state) {
  try {
    return std::make_unique<BackendLink>(
        BackendLinkOptions{c.device_id, PORTIER_VERSION, c.backend, c.gallery_path, c.gallery_path.parent_path(),
                           c.pipeline.relay_hold,
                           [c](const AccessPolicy& policy) { return policy_device_problem(policy, c); }, door_state},
        relay, echo);
  } catch (const BackendError& e) {
    throw CommandError(kExitBadInput, e.what());
  }
}

PolicyInForce policy_in_force(const Config& c) {
  if (c.backend.https.sync_policy) {
    Gallery gallery(c.gallery_path);
    if (auto d = gallery.load_directory(); d.policy) return {d.policy, "the backend (ETag " + d.policy_etag + ")"};
  }
  return {c.pipeline.access.policy, c.access_policy_file.string()};
}

std::string without_camera_hint(const std::string& source) {
  if (!source.starts_with("v4l2:") && !source.starts_with("libcamera:")) return "";
  return "no camera here? try the door on recorded frames: --source video:FILE or --source images:DIR";
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "portier: %s\n", e.what());
    return kExitBadInput;
  } catch (const CommandError& e) {
    std::fprintf(stderr, "portier: %s\n", e.what());
    return e.code;
  } catch (const GalleryRefusal& e) {
    std::fprintf(stderr, "portier: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "portier: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace portier
