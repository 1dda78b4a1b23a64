#include "app/door_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/access_log.h"
#include "access/face_access_state.h"
#include "access/gallery.h"
#include "access/lookalikes.h"
#include "access/time_format.h"
#include "app/command_context.h"
#include "app/console_wiring.h"
#include "app/liveness_setup.h"
#include "app/recognition_setup.h"
#include "backend-client/backend_link.h"
#include "console/admin_accounts.h"
#include "console/console_server.h"
#include "console/tls_identity.h"
#include "hal/gpio_door.h"
#include "hal/open_reader.h"
#include "hal/reconnecting_camera.h"

namespace portier {
namespace {

std::unique_ptr<Camera> open_service_camera(const std::string& source, const CameraOptions& options,
                                            std::function<void(const std::string&, const std::string&)> alert) {
  auto opened = open_camera(source, options);
  if (auto* why = std::get_if<std::string>(&opened)) {
    const std::string hint = without_camera_hint(source);
    throw CommandError(kExitFailure, *why + (hint.empty() ? "" : "; " + hint));
  }
  auto camera = std::move(std::get<std::unique_ptr<Camera>>(opened));
  // A device that drops out is reopened with backoff; a file that ends, ends.
  if (camera->realtime() && source.rfind("video:", 0) != 0)
    camera = std::make_unique<ReconnectingCamera>(
        std::move(camera), [source, options] { return open_camera(source, options); }, std::move(alert));
  return camera;
}

// The cards, faces and PINs the readers' credentials are checked against
// (the act stage's own gallery connection), as the gallery changes.
DirectoryRefresh directory_refresh(const Config& config, bool cards) {
  auto directory = std::make_shared<Gallery>(config.gallery_path);
  // Look-alike protection: who needs a second credential follows the gallery.
  std::optional<RecognitionSetup> lookalike_rule;
  if (config.lookalike_second_factor) lookalike_rule.emplace(config);
  // A policy the backend sent once applies only while the backend owns it.
  return [directory, first = true, backend_policy = config.backend.https.sync_policy, lookalike_rule, cards,
          pins = takes_pins(config)]() mutable -> std::optional<AccessDirectory> {
    if (!first && !directory->changed_since_load()) return std::nullopt;
    first = false;
    auto d = directory->load_directory();
    if (!backend_policy) d.policy.reset();
    if (lookalike_rule) {
      const auto found = lookalike_rule->lookalikes_in(d.faces);
      require_second_factor(d, found.rule, cards, pins);
      for (const auto& name : lookalikes_without_second_factor(d, found.nearest))
        spdlog::warn("'{}' has a look-alike enrolled and neither the card nor the PIN asked of them: their face "
                     "alone will not open (access.lookalike_second_factor)",
                     name);
    }
    return d;
  };
}

ConsoleOptions console_options(const Config& config) {
  ConsoleOptions o;
  o.address = config.console.address;
  o.port = config.console.port;
  o.device_id = config.device_id;
  o.unlock_hold = config.pipeline.relay_hold;
  o.live_viewers = config.console.live_viewers;
  o.live_fps = config.console.live_fps;
  o.cert_file = config.console.cert_file;
  o.key_file = config.console.key_file;
  if (o.cert_file.empty()) {
    auto made = ensure_self_signed(config.state_dir(), config.device_id);
    if (auto* why = std::get_if<std::string>(&made)) throw CommandError(kExitFailure, "console: " + *why);
    o.cert_file = std::get<TlsIdentity>(made).cert_file;
    o.key_file = std::get<TlsIdentity>(made).key_file;
  }
  return o;
}

}  // namespace

DoorService::DoorService(const Config& config, const std::string& source, bool loop)
    : config_(config), source_(source), options_(config.pipeline), local_gate_(load_face_access(config.state_dir())) {
  CameraOptions camera_options = config.camera;
  camera_options.pace_files = true;
  camera_options.loop_files = loop;
  auto camera = open_service_camera(source, camera_options,
                                    [this](const std::string& kind, const std::string& detail) { report_alert(kind, detail); });

  // The decide stage owns this connection from here on (one connection per thread).
  auto gallery = std::make_shared<Gallery>(config.gallery_path);
  EmbeddingIndex index = gallery->load_index();
  if (index.size() == 0)
    spdlog::warn("gallery {} is empty: every face will be denied (add users with 'portier enroll')",
                 config.gallery_path.string());
  GalleryRefresh refresh = [gallery]() -> std::optional<EmbeddingIndex> {
    if (!gallery->changed_since_load()) return std::nullopt;
    return gallery->load_index();
  };

  FaceModels models = load_face_models(config.models);
  LivenessSetup liveness = load_liveness(config, false, &models.stem);
  const RecognitionSetup recognition(config);
  options_.decision.rule_for_gallery = recognition.rule_for_gallery();
  options_.access.card_face_threshold = recognition.distance_for_one_user();
  if (liveness.model) {
    options_.decision.liveness_threshold = liveness.threshold;
    if (config.liveness.keep_evidence) options_.evidence_dir = config.liveness.evidence_dir;
    spdlog::info("liveness on: threshold {:.3f} from the {}", liveness.threshold, liveness.threshold_source);
  } else {
    spdlog::warn("liveness is disabled (liveness.enabled = false): a photo of an enrolled user will open the door");
  }

  open_door();
  open_readers();
  open_link();
  try {
    build_pipeline_and_console(std::move(models), std::move(liveness), std::move(camera), std::move(index), refresh);
  } catch (...) {
    stop();  // the link stops, and the door's thread stops reporting to it, before either goes
    throw;
  }
  spdlog::info("portier {} running: source {}, {} detect workers, gallery {}", config.device_id, source,
               config.pipeline.detect_workers, config.gallery_path.string());
}

void DoorService::build_pipeline_and_console(FaceModels models, LivenessSetup liveness, std::unique_ptr<Camera> camera,
                                             EmbeddingIndex index, GalleryRefresh refresh) {
  open_access_log();
  // The console's status page shows the last decisions: they pass through here.
  EventSink* decisions_to = events_.load();
  if (config_.console.enabled) decisions_to = (recent_ = std::make_unique<RecentDecisions>(*events_.load())).get();
  pipeline_ = std::make_unique<Pipeline>(
      options_,
      PipelineModels{std::move(models.detector), std::move(models.aligner), std::move(models.embedder),
                     liveness.take_scorer()},
      std::move(camera), std::move(index), std::move(refresh), relay(), *decisions_to, door_.get(), act_links());
  if (config_.console.enabled) open_console(models.stem);
}

DoorService::~DoorService() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("stopping the door service: {}", e.what());
  }
}

void DoorService::start() { pipeline_->start(); }

PipelineReport DoorService::stop() {
  if (!stopped_) {
    stopped_ = true;
    if (console_) console_->stop();  // no admin action reaches the door while it drains
    if (pipeline_) {
      pipeline_->request_stop();
      pipeline_->wait();
    }
    relay().release();
    if (link_) {
      // A moment to hand over the last decisions; whatever is left waits in
      // the outbox for the next start.
      if (!link_->drain(std::chrono::seconds(2)))
        spdlog::info("{} events stay in the outbox until the backend is back", link_->health().outbox);
      link_->stop();  // no more remote commands reach the relay from here on
      // The door's thread reports until it is stopped: point it back at
      // stdout, and stop it, while the link still exists.
      events_.store(&json_lines_, std::memory_order_release);
      door_.reset();
    }
  }
  return pipeline_ ? pipeline_->report() : PipelineReport{};
}

void DoorService::report_alert(const std::string& kind, const std::string& detail) {
  // The exit button unlocks in the door's own thread, not through the relay.
  if (kind == "exit_request") door_state_.unlocked_for(config_.door_timings.exit_hold);
  events_.load(std::memory_order_acquire)->publish(make_alert_event(config_.device_id, kind, detail));
}

Relay& DoorService::relay() { return link_ ? link_->relay() : *watched_relay_; }

void DoorService::open_door() {
  lines_ = &simulated_;
  if (config_.relay_driver == RelayDriver::Gpio) {
    auto opened = open_gpio_chip(config_.gpio_chip_label);
    if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitFailure, "gpio.chip_label: " + *why);
    chip_ = std::move(std::get<std::unique_ptr<GpioChip>>(opened));
    door_ = std::make_unique<GpioDoor>(
        *chip_, config_.door, config_.door_timings,
        [this](const std::string& kind, const std::string& detail) { report_alert(kind, detail); },
        [this](bool open) { door_state_.set_door_open(open); });
    if (auto open = door_->door_open()) door_state_.set_door_open(*open);
    lines_ = door_.get();
    spdlog::info("door on {}: relay line {}", chip_->describe(), config_.door.relay);
  }
  watched_relay_ = std::make_unique<ObservedRelay>(
      *lines_, [this](std::chrono::milliseconds hold) { door_state_.unlocked_for(hold); });
}

void DoorService::open_readers() {
  for (auto [options, into] : {std::pair{&config_.reader, &reader_}, std::pair{&config_.keypad, &keypad_}}) {
    auto opened = open_reader(*options, config_.gpio_chip_label);
    if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitFailure, *why);
    *into = std::move(std::get<std::unique_ptr<CredentialReader>>(opened));
  }
}

void DoorService::open_link() {
  if (!config_.backend.enabled()) return;
  // The relay itself: the link's own relay (relay()) reports every pulse to door_state_.
  link_ = open_backend_link(config_, *lines_, &json_lines_, &door_state_);
  events_.store(link_.get(), std::memory_order_release);
  link_->start();
}

// The console's log page: the door's own access log, with a picture of each
// face. Only with the console: nobody else reads it, and faces are not kept
// where nobody can look at them. A log that cannot be opened costs the page,
// never the door.
void DoorService::open_access_log() {
  if (!config_.console.enabled) return;
  AccessLogOptions log_options;
  log_options.max_events = config_.access_log.max_events;
  log_options.max_face_bytes = config_.access_log.keep_faces ? std::int64_t{config_.access_log.faces_max_mb} << 20 : 0;
  if (const auto& now = options_.access.local_now)
    log_options.local_time = [now] {
      const auto t = now();
      return fmt::format("{} {:02}:{:02}:{:02}", format_day(t.day), t.minute / 60, t.minute % 60, t.second);
    };
  auto opened = AccessLog::open(config_.state_dir() / "access-log.db", std::move(log_options));
  if (auto* why = std::get_if<std::string>(&opened))
    spdlog::warn("console: no access log page: {}", *why);
  else
    access_log_ = std::move(std::get<std::unique_ptr<AccessLog>>(opened));
}

ActLinks DoorService::act_links() {
  ActLinks links;
  for (auto* r : {reader_.get(), keypad_.get()})
    if (r) links.readers.push_back(r);
  // With an access policy the users' groups are needed too, cards or not.
  if (!links.readers.empty() || options_.access.policy || config_.backend.https.sync_policy) {
    links.directory = directory_refresh(config_, reader_ != nullptr);
    log_verification_mode();
  }
  if (link_) {
    links.gate = &link_->gate();
    if (config_.backend.mode == DecisionMode::Backend) links.verifier = link_.get();
  } else if (config_.console.enabled) {
    links.gate = &local_gate_;
  }
  const bool ha_faces = link_ && config_.backend.home_assistant.enabled;
  if (access_log_ || ha_faces)
    links.record = [log = access_log_.get(), ha = ha_faces ? link_.get() : nullptr,
                    keep_faces = config_.access_log.keep_faces](const AccessEvent& event, std::string_view jpeg) {
      // The log is a help for the console, not the record (that is the
      // outbox): a failure is logged, and the door goes on.
      if (log)
        if (auto why = log->append(event, jpeg)) spdlog::warn("access log: event {} not kept: {}", event.id, *why);
      if (ha && keep_faces && !jpeg.empty()) ha->publish_face(jpeg);
    };
  return links;
}

void DoorService::log_verification_mode() const {
  spdlog::info("verification mode {}: {}{}{}, the second credential within {} s", to_string(options_.access.mode),
               reader_ ? reader_->describe() : "no card reader", keypad_ ? ", PINs from " : "",
               keypad_ ? keypad_->describe() : "",
               std::chrono::duration_cast<std::chrono::seconds>(options_.access.auth_timeout).count());
  if (const auto& policy = options_.access.policy)
    spdlog::info("access policy {} (version {}): {} profiles, {} groups; the door's mode now {}",
                 config_.access_policy_file.string(), policy->version.empty() ? "none" : policy->version,
                 policy->profiles.size(), policy->group_profile.size(),
                 to_string(policy->mode_at(options_.access.local_now(), options_.access.mode)));
}

void DoorService::open_console(const TextureStemWeights& stem) {
  AccessGate& gate = link_ ? link_->gate() : local_gate_;
  door_console_ = std::make_unique<ServiceConsole>(console_parts(
      {config_, options_, *pipeline_, gate, link_.get(), relay(), door_state_, *recent_, stem}));
  admins_ = std::make_unique<AdminAccounts>(config_.state_dir() / "console.db");
  console_ = std::make_unique<ConsoleServer>(console_options(config_), *admins_, *door_console_, *events_.load(),
                                             access_log_.get());
  if (auto why = console_->start()) throw CommandError(kExitFailure, *why);
  if (admins_->count() == 0) spdlog::warn("console: no admin account yet; make one with 'portier console user add NAME'");
}

}  // namespace portier
