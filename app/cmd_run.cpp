#include <signal.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <memory>
#include <thread>

#include <systemd/sd-daemon.h>

#include "app/command_context.h"
#include "app/door_service.h"

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

// Pings systemd's watchdog at half its period, and only if frames got
// through since the last ping: a stalled pipeline must starve the watchdog.
class Watchdog {
 public:
  explicit Watchdog(std::uint64_t progress)
      : enabled_(sd_watchdog_enabled(0, &period_usec_) > 0), last_progress_(progress) {}
  void tick(std::uint64_t progress) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - last_ping_ < std::chrono::microseconds(period_usec_ / 2) || progress == last_progress_) return;
    sd_notify(0, "WATCHDOG=1");
    last_progress_ = progress;
    last_ping_ = now;
  }

 private:
  std::uint64_t period_usec_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point last_ping_ = std::chrono::steady_clock::now();
  std::uint64_t last_progress_;
};

int run_service(const std::string& config_flag, const std::string& source_flag, bool loop) {
  // First of all: loading the models takes seconds (many on a Pi), and a
  // SIGTERM in that time (systemd stopping a service that is still starting)
  // must stop it cleanly, not kill it. The loop below sees the flag at once.
  install_stop_handlers();
  const Config config = prepare(config_flag);
  DoorService service(config, source_flag.empty() ? config.camera_source : source_flag, loop);
  service.start();
  // Models are loaded and the camera is open: ready. Outside systemd these
  // notifications are no-ops.
  sd_notify(0, "READY=1");
  Watchdog watchdog(service.progress());
  while (service.running()) {
    if (const int signal = g_stop_signal) {
      spdlog::info("{} received: stopping capture, draining the pipeline", signal == SIGINT ? "SIGINT" : "SIGTERM");
      sd_notify(0, "STOPPING=1");
      service.request_stop();
      break;
    }
    watchdog.tick(service.progress());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto report = service.stop();
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
