// The one configuration struct, read from one TOML file and validated in one
// place (load_config). Every problem is reported as one line that names the
// key or file, and the commands exit with code 2.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "backend-client/backend_config.h"
#include "hal/open_reader.h"
#include "hal/gpio_door.h"
#include "models/enrollment_check.h"
#include "models/face_models.h"
#include "pipeline/pipeline.h"

namespace portier {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where the liveness model comes from and what the service does with a spoof.
// The per-track rules (threshold, frames) live in PipelineOptions::decision.
struct LivenessConfig {
  bool enabled = true;
  std::filesystem::path model;  // resolved: the configured file or the shipped one
  std::string model_sha256;     // what the model file must hash to
  // Explicit liveness.threshold; when unset, a per-camera calibration (if
  // any) or else the model's own threshold applies.
  std::optional<double> threshold;
  std::filesystem::path calibration_file;
  // This door's own model (`portier liveness adapt`): used instead of the
  // model above when the file exists, with its own threshold. Pinned by
  // site_model_sha256 when set (then it must exist and match).
  std::filesystem::path site_model_file;
  std::string site_model_sha256;
  bool keep_evidence = true;      // a JPEG of the face with each spoof event
  std::filesystem::path evidence_dir;
};

// How the nearest enrolled user is accepted (access/acceptance_rule.h).
struct RecognitionConfig {
  double max_fpir = 1e-3;                // strangers taken for an enrolled user, per attempt
  std::optional<double> fixed_threshold;  // decision.threshold: a fixed distance instead of the rule
  std::filesystem::path curves;           // resolved: the shipped impostor/genuine curves
  std::string curves_sha256;
};
// Never accept farther than this, whatever the gallery: dlib's customary 0.6.
inline constexpr double kMaxAcceptedDistance = 0.6;

// A card reader ([reader]) or a PIN keypad ([keypad]); type "none": not
// there. A Wiegand reader is on [gpio] chip_label.
using ReaderConfig = ReaderOptions;

// The web console ([console], docs/console.md).
struct ConsoleConfig {
  bool enabled = false;
  std::string address = "0.0.0.0";
  int port = 8443;
  // Both empty: a self-signed pair made at the first start in the state folder.
  std::filesystem::path cert_file, key_file;
  int live_viewers = 2;  // the live view: viewers at once, frames a second each
  double live_fps = 5;
};

// The door's own access log for the console (access/access_log.h).
struct AccessLogConfig {
  bool keep_faces = true;       // a small JPEG of the face with each decision
  int faces_max_mb = 200;       // the faces' cap; the oldest go first
  int max_events = 100000;      // the log's cap; the oldest go first
};

// [relay] driver: the door on a simulated relay (a log line) or on GPIO lines.
enum class RelayDriver { Simulated, Gpio };

struct Config {
  std::filesystem::path file;  // where it was read from
  std::string device_id = "portier";
  ModelOptions models;
  std::string camera_source = "v4l2:/dev/video0";
  CameraOptions camera;  // resolution and frame rate asked of devices
  PipelineOptions pipeline;
  int blas_threads = 1;
  std::filesystem::path gallery_path;
  RelayDriver relay_driver = RelayDriver::Simulated;
  std::string gpio_chip_label = "pinctrl-bcm2711";
  DoorWiring door;
  DoorTimings door_timings;
  EnrollmentRules enroll;
  LivenessConfig liveness;
  RecognitionConfig recognition;
  BackendConfig backend;
  ReaderConfig reader;  // cards; the verification mode itself is pipeline.access
  ReaderConfig keypad;  // PINs
  // Schedules: the access policy (access/access_policy.h; loaded and checked
  // into pipeline.access.policy) and the door's IANA zone (empty: the system's).
  std::filesystem::path access_policy_file;
  std::string time_zone;
  // access.lookalike_second_factor: a user with an enrolled look-alike
  // presents a card or PIN with their face (access/lookalikes.h).
  bool lookalike_second_factor = false;
  std::string log_level = "info";
  ConsoleConfig console;
  AccessLogConfig access_log;  // [events]
  // Where the service keeps its state (face access, the console's accounts
  // and certificate): beside the gallery.
  std::filesystem::path state_dir() const { return gallery_path.parent_path(); }
};

enum class ModelCheck { Verify, FaceModelsOnly, Skip };

// Throws ConfigError. With ModelCheck::Verify every model file the config
// needs must exist and match its sha256; FaceModelsOnly leaves the liveness
// model out (for training one).
// Whether this device (its readers, keypad) can serve every door mode of
// `policy`: the config's own policy file and the backend's are checked alike.
// Whether PINs can be typed: a keypad, or a Wiegand reader, whose keypad
// sends its keys on the reader's own lines.
bool takes_pins(const Config& c);
std::optional<std::string> policy_device_problem(const AccessPolicy& policy, const Config& c);

Config load_config(const std::filesystem::path& file, ModelCheck check = ModelCheck::Verify);

// --config when given; else $PORTIER_CONFIG; else /etc/portier/portier.toml if
// it exists; else the example config of this checkout.
std::filesystem::path resolve_config_path(const std::string& flag);

}  // namespace portier
