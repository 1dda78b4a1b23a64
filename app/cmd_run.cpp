#include <signal.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>
#include <thread>

#include <systemd/sd-daemon.h>

#include "access/access_log.h"
#include "access/card_directory.h"
#include "access/face_access_state.h"
#include "access/gallery.h"
#include "access/lookalikes.h"
#include "access/time_format.h"
#include "app/command_context.h"
#include "app/doctor_checks.h"
#include "app/enrolment.h"
#include "app/user_changes.h"
#include "app/liveness_setup.h"
#include "app/recognition_setup.h"
#include "app/service_console.h"
#include "backend-client/backend_link.h"
#include "console/console_server.h"
#include "console/tls_identity.h"
#include "hal/evdev_reader.h"
#include "hal/wiegand_reader.h"
#include "hal/gpio_door.h"
#include "hal/reconnecting_camera.h"
#include "hal/observed_relay.h"
#include "hal/simulated_relay.h"
#include "pipeline/pipeline.h"

namespace portier {
namespace {

// Set from the signal handler. A handler, not a blocked-signal mask: threads
// that libraries start before main (OpenBLAS's pool) do not block signals,
// and a SIGTERM delivered to one of them would otherwise kill the process
// with the relay in whatever state it was.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int run_service(const std::string& config_flag, const std::string& source_flag, bool loop) {
  // First of all: loading the models takes seconds (many on a Pi), and a
  // SIGTERM in that time (systemd stopping a service that is still starting)
  // must stop it cleanly, not kill it. The loop below sees the flag at once.
  install_stop_handlers();
  const Config config = prepare(config_flag);
  const std::string source = source_flag.empty() ? config.camera_source : source_flag;

  CameraOptions camera_options = config.camera;
  camera_options.pace_files = true;
  camera_options.loop_files = loop;
  auto opened = open_camera(source, camera_options);
  if (auto* why = std::get_if<std::string>(&opened)) {
    const std::string hint = without_camera_hint(source);
    throw CommandError(kExitFailure, *why + (hint.empty() ? "" : "; " + hint));
  }
  auto camera = std::move(std::get<std::unique_ptr<Camera>>(opened));

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
  PipelineOptions options = config.pipeline;
  const RecognitionSetup recognition(config);
  options.decision.rule_for_gallery = recognition.rule_for_gallery();
  {
    const auto rule = recognition.rule_for_index(index);
    spdlog::info("recognition: {} for {} users with {} embeddings ({}; expected strangers accepted {:.2g} per attempt)",
                 describe_rule(rule), index.users(), index.size(),
                 rule.derived ? "decision.max_fpir" : "decision.threshold", rule.expected_fpir);
  }
  if (liveness.model) {
    options.decision.liveness_threshold = liveness.threshold;
    if (config.liveness.keep_evidence) options.evidence_dir = config.liveness.evidence_dir;
    spdlog::info("liveness on: threshold {:.3f} from the {}", liveness.threshold, liveness.threshold_source);
  } else {
    spdlog::warn("liveness is disabled (liveness.enabled = false): a photo of an enrolled user will open the door");
  }
  JsonLinesEventSink json_lines;
  // Where events go: stdout alone, or the backend link (which echoes them to
  // stdout). Devices report from their own threads, hence atomic.
  std::atomic<EventSink*> events{&json_lines};
  UnlockedUntil unlocked;  // for the console's "lock" row
  auto report_alert = [&events, &unlocked, id = config.device_id, exit_hold = config.door_timings.exit_hold](
                          const std::string& kind, const std::string& detail) {
    // The exit button unlocks in the door's own thread, not through the relay below.
    if (kind == "exit_request") unlocked.extend(exit_hold);
    events.load(std::memory_order_acquire)->publish(make_alert_event(id, kind, detail));
  };
  std::atomic<BackendLink*> link_for_door{nullptr};
  SimulatedRelay simulated;
  Relay* relay = &simulated;
  Indicator* indicator = nullptr;
  std::unique_ptr<GpioChip> chip;
  std::unique_ptr<GpioDoor> door;  // declared after chip: released first
  if (config.relay_driver == "gpio") {
    auto opened = open_gpio_chip(config.gpio_chip_label);
    if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitFailure, "gpio.chip_label: " + *why);
    chip = std::move(std::get<std::unique_ptr<GpioChip>>(opened));
    door = std::make_unique<GpioDoor>(*chip, config.door, config.door_timings, report_alert, [&link_for_door](bool open) {
      if (auto* link = link_for_door.load(std::memory_order_acquire)) link->door_contact(open);
    });
    relay = door.get();
    indicator = door.get();
    spdlog::info("door on {}: relay line {}", chip->describe(), config.door.relay);
  }
  // Every pulse, whoever asks (a grant, the console, a remote command through
  // the backend link), passes here.
  ObservedRelay watched_relay(*relay, [&unlocked](std::chrono::milliseconds hold) { unlocked.extend(hold); });
  relay = &watched_relay;
  // A device that drops out is reopened with backoff; a file that ends, ends.
  if (camera->realtime() && source.rfind("video:", 0) != 0) {
    camera = std::make_unique<ReconnectingCamera>(
        std::move(camera), [source, camera_options] { return open_camera(source, camera_options); },
        report_alert);
  }

  std::unique_ptr<BackendLink> link;
  ActLinks act_links;
  // The verification mode: a card reader and a keypad as it needs, and the
  // cards, faces and PINs their credentials are checked against (the act
  // stage's own gallery connection).
  std::unique_ptr<CredentialReader> reader, keypad;
  if (config.reader.type == "evdev") reader = make_evdev_reader(config.reader.evdev);
  if (config.reader.type == "wiegand") {
    // Its own handle on the chip: the kernel hands each line to one request,
    // and the door's lines are not the reader's.
    auto opened = open_gpio_chip(config.gpio_chip_label);
    if (auto* why = std::get_if<std::string>(&opened)) throw CommandError(kExitFailure, "reader (wiegand): " + *why);
    reader = make_wiegand_reader(std::move(std::get<std::unique_ptr<GpioChip>>(opened)), config.reader.wiegand);
  }
  if (config.keypad.type == "evdev") keypad = make_evdev_reader(config.keypad.evdev);
  for (auto* r : {reader.get(), keypad.get()})
    if (r) act_links.readers.push_back(r);
  // With an access policy the users' groups are needed too, cards or not.
  if (!act_links.readers.empty() || options.access.policy || config.backend.https.sync_policy) {
    auto directory = std::make_shared<Gallery>(config.gallery_path);
    // A policy the backend sent once applies only while the backend owns it.
    // Look-alike protection: who needs a second credential follows the gallery.
    std::optional<RecognitionSetup> lookalike_rule;
    if (config.lookalike_second_factor) lookalike_rule = recognition;
    act_links.directory = [directory, first = true, backend_policy = config.backend.https.sync_policy, lookalike_rule,
                           cards = reader != nullptr, pins = takes_pins(config)]() mutable -> std::optional<AccessDirectory> {
      if (!first && !directory->changed_since_load()) return std::nullopt;
      first = false;
      auto d = directory->load_directory();
      if (!backend_policy) d.policy.reset();
      if (lookalike_rule) {
        const auto found = lookalike_rule->lookalikes_in(d.faces);
        require_second_factor(d, found.rule, cards, pins);
        for (const auto& name : lookalikes_without_second_factor(d, found.nearest))
          spdlog::warn("'{}' has a look-alike enrolled and neither the card nor the PIN asked of them: their face "
                       "alone will not open (access.lookalike_second_factor)", name);
      }
      return d;
    };
    options.access.card_face_threshold = recognition.distance_for_one_user();
    spdlog::info("verification mode {}: {}{}{}, the second credential within {} s", to_string(options.access.mode),
                 reader ? reader->describe() : "no card reader", keypad ? ", PINs from " : "",
                 keypad ? keypad->describe() : "",
                 std::chrono::duration_cast<std::chrono::seconds>(options.access.auth_timeout).count());
    if (const auto& policy = options.access.policy)
      spdlog::info("access policy {} (version {}): {} profiles, {} groups; the door's mode now {}",
                   config.access_policy_file.string(), policy->version.empty() ? "none" : policy->version,
                   policy->profiles.size(), policy->group_profile.size(),
                   to_string(policy->mode_at(options.access.local_now(), options.access.mode)));
  }
  if (config.backend.enabled()) {
    link = open_backend_link(config, *relay, &json_lines);
    if (door) {
      if (auto open = door->door_open()) link->door_contact(*open);
    }
    link_for_door.store(link.get(), std::memory_order_release);
    events.store(link.get(), std::memory_order_release);
    relay = &link->relay();
    act_links.gate = &link->gate();
    if (config.backend.mode == DecisionMode::Backend) act_links.verifier = link.get();
    link->start();
  }

  // Without a backend, face access is armed and disarmed from the console
  // alone; it is kept across restarts all the same.
  AccessGate local_gate(load_face_access(config.state_dir()));
  if (!act_links.gate && config.console.enabled) act_links.gate = &local_gate;
  // The console's log page: the door's own access log, with a picture of
  // each face. Only with the console: nobody else reads it, and faces are
  // not kept where nobody can look at them. A log that cannot be opened
  // costs the page, never the door.
  std::unique_ptr<AccessLog> access_log;
  if (config.console.enabled) {
    AccessLogOptions log_options;
    log_options.max_events = config.access_log.max_events;
    log_options.max_face_bytes = config.access_log.keep_faces ? std::int64_t{config.access_log.faces_max_mb} << 20 : 0;
    if (const auto& now = options.access.local_now)
      log_options.local_time = [now] {
        const auto t = now();
        return fmt::format("{} {:02}:{:02}:{:02}", format_day(t.day), t.minute / 60, t.minute % 60, t.second);
      };
    auto opened = AccessLog::open(config.state_dir() / "access-log.db", std::move(log_options));
    if (auto* why = std::get_if<std::string>(&opened))
      spdlog::warn("console: no access log page: {}", *why);
    else
      access_log = std::move(std::get<std::unique_ptr<AccessLog>>(opened));
  }
  const bool ha_faces = link && config.backend.home_assistant.enabled;
  if (access_log || ha_faces)
    act_links.record = [log = access_log.get(), ha = ha_faces ? link.get() : nullptr,
                        keep_faces = config.access_log.keep_faces](const AccessEvent& event, std::string_view jpeg) {
      // The log is a help for the console, not the record (that is the
      // outbox): a failure is logged, and the door goes on.
      if (log)
        if (auto why = log->append(event, jpeg)) spdlog::warn("access log: event {} not kept: {}", event.id, *why);
      if (ha && keep_faces && !jpeg.empty()) ha->publish_face(jpeg);
    };
  // The console's status page shows the last decisions: they pass through here.
  RecentDecisions recent(*events.load());
  EventSink& decisions_to = config.console.enabled ? static_cast<EventSink&>(recent) : *events.load();

  Pipeline pipeline(options,
                    PipelineModels{std::move(models.detector), std::move(models.aligner), std::move(models.embedder),
                                   liveness.take_scorer()},
                    std::move(camera), std::move(index), refresh, *relay, decisions_to, indicator, act_links);
  std::unique_ptr<AdminAccounts> admins;
  std::unique_ptr<ServiceConsole> door_console;
  std::unique_ptr<ConsoleServer> console;
  if (config.console.enabled) {
    ServiceParts parts;
    parts.device_id = config.device_id;
    parts.version = PORTIER_VERSION;
    parts.mode = [&options] {
      const auto& a = options.access;
      return std::string(to_string(a.policy && a.local_now ? a.policy->mode_at(a.local_now(), a.mode) : a.mode));
    };
    parts.counters = [&pipeline](std::uint64_t& captured, std::uint64_t& dropped, size_t& decisions, size_t& granted) {
      const auto c = pipeline.counters();
      captured = c.captured, dropped = c.dropped, decisions = c.decisions, granted = c.granted;
    };
    AccessGate* gate = act_links.gate;
    parts.armed = [gate] { return gate->armed(); };
    BackendLink* backend = link.get();
    parts.set_armed = [gate, backend, state_dir = config.state_dir()](bool armed) {
      if (backend) return backend->set_armed(armed);  // it keeps and publishes it
      gate->set_armed(armed);
      if (auto why = save_face_access(state_dir, armed)) spdlog::warn("face access changed but not saved: {}", *why);
    };
    parts.pulse = [relay](std::chrono::milliseconds hold) { relay->pulse(hold); };
    parts.unlocked = [&unlocked] { return unlocked.unlocked(); };
    parts.door_open = [&door]() -> std::optional<bool> { return door ? door->door_open() : std::nullopt; };
    if (backend)
      parts.links = [backend](ConsoleStatus& s) {
        const auto h = backend->health();
        if (h.https_configured) s.links.emplace_back("backend (HTTPS)", h.https_error.empty() ? "delivering" : h.https_error);
        if (h.mqtt_configured)
          s.links.emplace_back("broker (MQTT)", h.mqtt_connected ? "connected" : "not connected " + h.mqtt_error);
        s.outbox = h.outbox;
      };
    parts.recent = &recent;
    parts.live = &pipeline.live_view();
    parts.live_fps = config.console.live_fps;
    // Liveness calibration from the page: `portier liveness calibrate`'s
    // rule on the live view's faces, a model of its own loaded at the first
    // calibration, the result kept and in force from the next frame.
    auto calibration_model = std::make_shared<std::pair<std::mutex, std::unique_ptr<LivenessSetup>>>();
    parts.calibrate = [&config, &pipeline, calibration_model, stem = models.stem,
                       liveness_on = options.decision.liveness_threshold.has_value()](
                          const std::vector<std::pair<cv::Mat, cv::Rect>>& faces) -> CalibrationResult {
      if (!liveness_on) return {false, "liveness is off (liveness.enabled = false): there is nothing to calibrate"};
      if (auto why = calibration_overridden(config)) return {false, *why};
      try {
        std::lock_guard lock(calibration_model->first);
        auto& setup = calibration_model->second;
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
    parts.checks = [&config] {
      std::vector<ConsoleCheck> out;
      for (const auto& c : running_service_checks(config)) out.push_back({c.name, mark(c.status), c.detail, c.fix});
      return out;
    };
    // Users, as `portier users` and `portier enroll` see them: a gallery
    // connection of the request's own (one per thread), and the face models
    // loaded at the first enrolment and kept (none until then: most doors
    // are enrolled once).
    parts.users = [&config] { return console_users(config); };
    parts.change_user = [&config](const std::string& name, const UserChange& change) {
      return change_user(config, name, change);
    };
    parts.remove_user = [&config](const std::string& name) -> std::optional<std::string> {
      Gallery gallery(config.gallery_path);
      if (!gallery.remove(name)) return "no user named '" + name + "'";
      return std::nullopt;
    };
    auto enrol_models = std::make_shared<std::pair<std::mutex, std::unique_ptr<FaceModels>>>();
    parts.enrol = [&config, enrol_models](const std::string& name, const std::vector<std::string>& sources,
                                          const std::function<std::variant<cv::Mat, std::string>(size_t)>& load) {
      EnrolResult result;
      try {
        std::lock_guard lock(enrol_models->first);  // one enrolment at a time: each holds a ResNet's scratch
        auto& models = enrol_models->second;
        if (!models) models = std::make_unique<FaceModels>(load_face_models(config.models, ImageKind::Stills));
        Gallery gallery(config.gallery_path);
        const EmbeddingIndex enrolled = gallery.load_index();
        const auto check =
            check_enrolment(*models, enrolment_limits(config, enrolled, sources.size()), enrolled, name, sources, load);
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
    door_console = std::make_unique<ServiceConsole>(std::move(parts));
    admins = std::make_unique<AdminAccounts>(config.state_dir() / "console.db");
    ConsoleOptions console_options;
    console_options.address = config.console.address;
    console_options.port = config.console.port;
    console_options.device_id = config.device_id;
    console_options.unlock_hold = config.pipeline.relay_hold;
    console_options.live_viewers = config.console.live_viewers;
    console_options.live_fps = config.console.live_fps;
    console_options.cert_file = config.console.cert_file;
    console_options.key_file = config.console.key_file;
    if (console_options.cert_file.empty()) {
      auto made = ensure_self_signed(config.state_dir(), config.device_id);
      if (auto* why = std::get_if<std::string>(&made)) throw CommandError(kExitFailure, "console: " + *why);
      console_options.cert_file = std::get<TlsIdentity>(made).cert_file;
      console_options.key_file = std::get<TlsIdentity>(made).key_file;
    }
    console = std::make_unique<ConsoleServer>(console_options, *admins, *door_console, *events.load(),
                                              access_log.get());
    if (auto why = console->start()) throw CommandError(kExitFailure, *why);
    if (admins->count() == 0)
      spdlog::warn("console: no admin account yet; make one with 'portier console user add NAME'");
  }
  spdlog::info("portier {} running: source {}, {} detect workers, gallery {}", config.device_id, source,
               config.pipeline.detect_workers, config.gallery_path.string());
  pipeline.start();
  // Models are loaded and the camera is open: ready. Outside systemd these
  // notifications are no-ops.
  sd_notify(0, "READY=1");
  std::uint64_t watchdog_usec = 0;
  const bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  auto last_ping = std::chrono::steady_clock::now();
  std::uint64_t last_progress = pipeline.progress();
  while (pipeline.running()) {
    if (const int signal = g_stop_signal) {
      spdlog::info("{} received: stopping capture, draining the pipeline", signal == SIGINT ? "SIGINT" : "SIGTERM");
      sd_notify(0, "STOPPING=1");
      pipeline.request_stop();
      break;
    }
    // Ping at half the watchdog period, and only if frames got through since
    // the last ping: a stalled pipeline must starve the watchdog.
    const auto now = std::chrono::steady_clock::now();
    if (watchdog && now - last_ping >= std::chrono::microseconds(watchdog_usec / 2)) {
      const auto progress = pipeline.progress();
      if (progress != last_progress) {
        sd_notify(0, "WATCHDOG=1");
        last_progress = progress;
        last_ping = now;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (console) console->stop();  // no admin action reaches the door while it drains
  pipeline.wait();
  relay->release();
  if (link) {
    // A moment to hand over the last decisions; whatever is left waits in
    // the outbox for the next start.
    if (!link->drain(std::chrono::seconds(2)))
      spdlog::info("{} events stay in the outbox until the backend is back", link->health().outbox);
    link->stop();  // no more remote commands reach the relay from here on
    // The door's thread reports until it is stopped: point it back at stdout,
    // and stop it, while the link still exists.
    events.store(&json_lines, std::memory_order_release);
    link_for_door.store(nullptr, std::memory_order_release);
    door.reset();
  }

  const auto report = pipeline.report();
  spdlog::info("stopped: {} frames captured, {} processed, {} dropped, {} decisions ({} granted)", report.captured,
               report.processed, report.dropped, report.decisions, report.granted);
  if (!report.failure.empty()) throw CommandError(kExitFailure, "pipeline failed: " + report.failure);
  if (!report.camera_error.empty()) throw CommandError(kExitFailure, report.camera_error);
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", "Run the door service");
  auto config = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file (default: $PORTIER_CONFIG, /etc/portier/portier.toml, example)");
  cmd->add_option("--source", *source, "Frame source: video:PATH, images:DIR or v4l2:/dev/videoN (default: camera.source)");
  auto loop = std::make_shared<bool>(false);
  cmd->add_flag("--loop", *loop, "Start a video file source again when it ends (demos, tests), until stopped");
  cmd->callback([&exit_code, config, source, loop] {
    exit_code = guarded([&] { return run_service(*config, *source, *loop); });
  });
}

}  // namespace portier
