#include "app/console_wiring.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "access/face_access_state.h"
#include "access/gallery.h"
#include "app/doctor_checks.h"
#include "app/enrolment.h"
#include "app/liveness_setup.h"
#include "app/user_changes.h"
#include "backend-client/backend_link.h"

namespace portier {
namespace {

void wire_door(const ConsoleWiring& w, ServiceParts& parts) {
  parts.mode = [&options = w.options] {
    const auto& a = options.access;
    return std::string(to_string(a.policy && a.local_now ? a.policy->mode_at(a.local_now(), a.mode) : a.mode));
  };
  parts.counters = [&pipeline = w.pipeline](std::uint64_t& captured, std::uint64_t& dropped, size_t& decisions,
                                            size_t& granted) {
    const auto c = pipeline.counters();
    captured = c.captured, dropped = c.dropped, decisions = c.decisions, granted = c.granted;
  };
  parts.armed = [&gate = w.gate] { return gate.armed(); };
  parts.set_armed = [&gate = w.gate, backend = w.link, state_dir = w.config.state_dir()](bool armed) {
    if (backend) return backend->set_armed(armed);  // it keeps and publishes it
    gate.set_armed(armed);
    if (auto why = save_face_access(state_dir, armed)) spdlog::warn("face access changed but not saved: {}", *why);
  };
  parts.pulse = [&relay = w.relay](std::chrono::milliseconds hold) { relay.pulse(hold); };
  parts.unlocked = [&state = w.door_state] { return state.unlocked(); };
  parts.door_open = [&state = w.door_state] { return state.door_open(); };
  if (auto* backend = w.link)
    parts.links = [backend](ConsoleStatus& s) {
      const auto h = backend->health();
      if (h.https_configured) s.links.emplace_back("backend (HTTPS)", h.https_error.empty() ? "delivering" : h.https_error);
      if (h.mqtt_configured)
        s.links.emplace_back("broker (MQTT)", h.mqtt_connected ? "connected" : "not connected " + h.mqtt_error);
      s.outbox = h.outbox;
    };
  parts.recent = &w.recent;
  parts.live = &w.pipeline.live_view();
  parts.live_fps = w.config.console.live_fps;
  parts.checks = [&config = w.config] {
    std::vector<ConsoleCheck> out;
    for (const auto& c : running_service_checks(config)) out.push_back({c.name, mark(c.status), c.detail, c.fix});
    return out;
  };
}

// Liveness calibration from the page: `portier liveness calibrate`'s rule on
// the live view's faces, a model of its own loaded at the first calibration,
// the result kept and in force from the next frame.
void wire_calibration(const ConsoleWiring& w, ServiceParts& parts) {
  auto model = std::make_shared<std::pair<std::mutex, std::unique_ptr<LivenessSetup>>>();
  parts.calibrate = [&config = w.config, &pipeline = w.pipeline, model, stem = w.stem,
                     liveness_on = w.options.decision.liveness_threshold.has_value()](
                        const std::vector<std::pair<cv::Mat, cv::Rect>>& faces) -> CalibrationResult {
    if (!liveness_on) return {false, "liveness is off (liveness.enabled = false): there is nothing to calibrate"};
    if (auto why = calibration_overridden(config)) return {false, *why};
    try {
      std::lock_guard lock(model->first);
      auto& setup = model->second;
      if (!setup) setup = std::make_unique<LivenessSetup>(load_liveness(config, true, &stem));
      std::vector<double> scores;
      for (const auto& [frame, box] : faces) scores.push_back(setup->score(frame, box));
      auto made = calibration_from_scores(scores, *setup->model, config.liveness.model_sha256,
                                          "console: " + config.camera_source, 0.02, 10);
      if (auto* why = std::get_if<std::string>(&made)) return {false, *why};
      const auto& c = std::get<LivenessCalibration>(made);
      write_liveness_calibration(config.liveness.calibration_file, c);
      pipeline.set_liveness_threshold(c.threshold);
      return {true, fmt::format("threshold {:.3f} from {} live faces (median score {:.3f}, the model's floor {:.3f}); "
                                "in force now, and kept in {}",
                                c.threshold, c.faces, c.live_p50, setup->model->calibration_floor,
                                config.liveness.calibration_file.string())};
    } catch (const std::exception& e) {
      return {false, e.what()};
    }
  };
}

// Users, as `portier users` and `portier enroll` see them: a gallery
// connection of the request's own (one per thread), and the face models
// loaded at the first enrolment and kept (none until then: most doors are
// enrolled once).
void wire_users(const Config& config, ServiceParts& parts) {
  parts.users = [&config] { return console_users(config); };
  parts.change_user = [&config](const std::string& name, const UserChange& change) {
    return change_user(config, name, change);
  };
  parts.remove_user = [&config](const std::string& name) -> std::optional<std::string> {
    Gallery gallery(config.gallery_path);
    if (!gallery.remove(name)) return "no user named '" + name + "'";
    return std::nullopt;
  };
  auto models = std::make_shared<std::pair<std::mutex, std::unique_ptr<FaceModels>>>();
  parts.enrol = [&config, models](const std::string& name, const std::vector<std::string>& sources,
                                  const std::function<std::variant<cv::Mat, std::string>(size_t)>& load) {
    EnrolResult result;
    try {
      std::lock_guard lock(models->first);  // one enrolment at a time: each holds a ResNet's scratch
      auto& loaded = models->second;
      if (!loaded) loaded = std::make_unique<FaceModels>(load_face_models(config.models, ImageKind::Stills));
      Gallery gallery(config.gallery_path);
      const EmbeddingIndex enrolled = gallery.load_index();
      const auto check =
          check_enrolment(*loaded, enrolment_limits(config, enrolled, sources.size()), enrolled, name, sources, load);
      for (const auto& r : check.rejected) result.rejected.emplace_back(r.source, r.reason);
      result.accepted = check.accepted.size();
      if (!check.accepted.empty()) {
        gallery.enroll(name, check.accepted);
        result.enrolled = true;
        result.lookalikes = describe_lookalikes(check.lookalikes);
      }
    } catch (const std::exception& e) {
      result.error = e.what();
    }
    return result;
  };
}

}  // namespace

ServiceParts console_parts(const ConsoleWiring& wiring) {
  ServiceParts parts;
  parts.device_id = wiring.config.device_id;
  parts.version = PORTIER_VERSION;
  wire_door(wiring, parts);
  wire_calibration(wiring, parts);
  wire_users(wiring.config, parts);
  return parts;
}

}  // namespace portier
