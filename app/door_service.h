// The running door service, `portier run`: the door and its readers, the
// backend link, the pipeline and the console, each owned here. The members
// are declared in the order they are made, and each borrows only what is
// declared before it, so the reverse order that destroys them is safe. What
// must happen in another order at shutdown (the console before the pipeline
// drains, the link before the door's lines go) is stop(), which the
// destructor runs when nobody did.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "access/access_event.h"
#include "access/remote_verifier.h"
#include "app/config.h"
#include "app/liveness_setup.h"
#include "app/service_console.h"
#include "hal/door_state.h"
#include "hal/observed_relay.h"
#include "hal/simulated_relay.h"
#include "pipeline/pipeline.h"

namespace portier {

class AccessLog;
class AdminAccounts;
class BackendLink;
class ConsoleServer;
class GpioChip;
class GpioDoor;

class DoorService {
 public:
  // Opens the camera (`source`; `loop`: a video file starts again when it
  // ends), the door's lines and readers, loads the models, connects the
  // backend and starts the console. Throws CommandError naming what could
  // not be opened, ConfigError for what the config names but cannot be used.
  DoorService(const Config& config, const std::string& source, bool loop);
  ~DoorService();
  DoorService(const DoorService&) = delete;
  DoorService& operator=(const DoorService&) = delete;

  void start();  // frames flow, credentials are read
  bool running() const { return pipeline_->running(); }
  void request_stop() { pipeline_->request_stop(); }  // any thread
  std::uint64_t progress() const { return pipeline_->progress(); }  // moves while frames get through

  // The shutdown sequence, once: the console stops (no admin action reaches
  // the door while it drains), the pipeline drains, the relay is released,
  // the backend link hands over what it can in 2 s and stops (no remote
  // command reaches the relay after), and the door is let go while the link
  // still exists (its thread reports to it). The pipeline's report.
  PipelineReport stop();

 private:
  void open_door();
  void open_readers();
  void open_link();
  void build_pipeline_and_console(FaceModels models, LivenessSetup liveness, std::unique_ptr<Camera> camera,
                                  EmbeddingIndex index, GalleryRefresh refresh);
  void open_access_log();
  ActLinks act_links();
  void log_verification_mode() const;
  void open_console(const TextureStemWeights& stem);
  void report_alert(const std::string& kind, const std::string& detail);
  // Where every pulse goes (a grant, the console, a remote command): through
  // the backend link when there is one, which reports the lock's state.
  Relay& relay();

  const Config& config_;
  const std::string source_;
  PipelineOptions options_;
  JsonLinesEventSink json_lines_;
  // Where events go: stdout alone, or the backend link (which echoes them to
  // stdout). The door reports from its own thread, hence atomic.
  std::atomic<EventSink*> events_{&json_lines_};
  // Unlocked until when, the door contact: what the console shows and the
  // backend link publishes. Before the parts that change it.
  DoorState door_state_;
  SimulatedRelay simulated_;                          // without [gpio]: the relay's line in the log
  std::unique_ptr<GpioChip> chip_;
  std::unique_ptr<GpioDoor> door_;  // on the chip: after it, released before it
  // Every pulse passes here without a backend link (with one, the link's
  // relay does the same), extending door_state_.
  std::unique_ptr<ObservedRelay> watched_relay_;
  Relay* lines_ = nullptr;  // the relay itself: door_ or simulated_
  std::unique_ptr<CredentialReader> reader_, keypad_;
  std::unique_ptr<BackendLink> link_;
  // Without a backend, face access is armed and disarmed from the console
  // alone; it is kept across restarts all the same.
  AccessGate local_gate_;
  std::unique_ptr<AccessLog> access_log_;       // the console's log page
  std::unique_ptr<RecentDecisions> recent_;     // the console's status page
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<AdminAccounts> admins_;
  std::unique_ptr<ServiceConsole> door_console_;
  std::unique_ptr<ConsoleServer> console_;
  bool stopped_ = false;
};

}  // namespace portier
