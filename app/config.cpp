#include "app/config.h"

#include "app/config_section.h"

#include "access/access_policy.h"
#include "access/local_clock.h"
#include "access/verification_mode.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "backend-client/secret_file.h"
#include "models/liveness_model.h"
#include "models/model_files.h"

#ifndef PORTIER_DEFAULT_MODELS_DIR
#define PORTIER_DEFAULT_MODELS_DIR "/usr/local/share/portier/models"
#endif
#ifndef PORTIER_INSTALLED_LIVENESS_MODEL
#define PORTIER_INSTALLED_LIVENESS_MODEL "/usr/share/portier/portier-liveness.json"
#endif
#ifndef PORTIER_CHECKOUT_LIVENESS_MODEL
#define PORTIER_CHECKOUT_LIVENESS_MODEL "models/data/portier-liveness.json"
#endif
#ifndef PORTIER_INSTALLED_RECOGNITION_CURVES
#define PORTIER_INSTALLED_RECOGNITION_CURVES "/usr/share/portier/portier-recognition-curves.json"
#endif
#ifndef PORTIER_CHECKOUT_RECOGNITION_CURVES
#define PORTIER_CHECKOUT_RECOGNITION_CURVES "models/data/portier-recognition-curves.json"
#endif
#ifndef PORTIER_DEFAULT_CONFIG_FILE
#define PORTIER_DEFAULT_CONFIG_FILE "/etc/portier/portier.toml"
#endif

namespace portier {
namespace config_detail {

std::filesystem::path default_gallery_path() {
  namespace fs = std::filesystem;
  if (const char* state = std::getenv("STATE_DIRECTORY"); state && *state) return fs::path(state) / "gallery.db";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return fs::path(xdg) / "portier" / "gallery.db";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".local" / "state" / "portier" / "gallery.db";
  return "/var/lib/portier/gallery.db";
}

// The shipped liveness model: installed with the package, or in this checkout.
// Both copies must hash to kLivenessModel, so whichever is found is the same file.
std::filesystem::path default_liveness_model() {
  std::error_code ec;
  for (const char* candidate : {PORTIER_INSTALLED_LIVENESS_MODEL, PORTIER_CHECKOUT_LIVENESS_MODEL})
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  return PORTIER_CHECKOUT_LIVENESS_MODEL;
}

// The shipped recognition curves (scripts/fit-recognition-curves.sh), found
// the same way.
std::filesystem::path default_recognition_curves() {
  std::error_code ec;
  for (const char* candidate : {PORTIER_INSTALLED_RECOGNITION_CURVES, PORTIER_CHECKOUT_RECOGNITION_CURVES})
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  return PORTIER_CHECKOUT_RECOGNITION_CURVES;
}

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::filesystem::path default_models_dir() {
  if (const char* dir = std::getenv("PORTIER_MODELS_DIR"); dir && *dir) return dir;
  return PORTIER_DEFAULT_MODELS_DIR;
}

}  // namespace config_detail

bool takes_pins(const Config& c) { return c.keypad.type != ReaderType::None || c.reader.type == ReaderType::Wiegand; }

std::optional<std::string> policy_device_problem(const AccessPolicy& policy, const Config& c) {
  // Every mode the schedule may switch to needs its devices now, not at 19:00.
  std::vector<VerificationMode> modes;
  if (policy.door_mode) modes.push_back(*policy.door_mode);
  for (const auto& rule : policy.door_schedule) modes.push_back(rule.mode);
  for (const auto m : modes) {
    if (needs_card_reader(m) && c.reader.type == ReaderType::None)
      return std::string("its door mode \"") + to_string(m) + "\" needs a card reader: set [reader] type and device";
    if (needs_keypad(m) && !takes_pins(c))
      return std::string("its door mode \"") + to_string(m) + "\" needs a PIN keypad: set [keypad] type and device";
  }
  return std::nullopt;
}

namespace {

// The files the config names, which must be there before anything starts:
// the models (by sha256), the links' certificates and keys, and with
// ModelCheck::Verify the liveness model itself.
void check_files(const Config& c, ModelCheck check, const std::string& name) {
  std::vector<ModelFile> needed{kShapePredictorModel, kResnetModel};
  // The CNN detector: configured, or the last try on a still's missed face.
  if (c.models.detector == DetectorKind::Mmod || c.models.still_fallback) needed.push_back(kMmodModel);
  for (const auto& model : needed)
    if (auto problem = model_file_problem(c.models.dir, model))
      throw ConfigError("config " + name + ": key 'models.dir': " + *problem);
  // Files the links need: missing ones are named now, not at the first event.
  auto must_exist = [&](const char* key, const std::filesystem::path& file) {
    std::error_code ec;
    if (!file.empty() && !std::filesystem::is_regular_file(secret_path(file), ec))
      throw ConfigError("config " + name + ": key '" + key + "': " + file.string() + " does not exist");
  };
  must_exist("backend.ca_file", c.backend.https.ca_file);
  must_exist("backend.token_file", c.backend.https.token_file);
  must_exist("mqtt.ca_file", c.backend.mqtt.ca_file);
  must_exist("mqtt.cert_file", c.backend.mqtt.cert_file);
  must_exist("mqtt.key_file", c.backend.mqtt.key_file);
  must_exist("mqtt.command_key_file", c.backend.mqtt.command_key_file);
  if (c.liveness.enabled && check == ModelCheck::Verify) {
    const auto loaded = load_liveness_model(c.liveness.model, c.liveness.model_sha256);
    if (const auto* why = std::get_if<std::string>(&loaded))
      throw ConfigError("config " + name + ": key 'liveness.model': " + *why);
  }
}

}  // namespace

Config load_config(const std::filesystem::path& file, ModelCheck check) {
  Config c;
  c.file = file;
  const std::string name = file.string();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw ConfigError("config " + name + " does not exist");
  if (!std::filesystem::is_regular_file(file, ec)) throw ConfigError("config " + name + " is not a regular file");
  toml::table root;
  try {
    root = toml::parse_file(name);
  } catch (const toml::parse_error& e) {
    throw ConfigError("config " + name + ":" + std::to_string(e.source().begin.line) + ":" +
                      std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }

  config_detail::Section top(&root, "", name);
  top.string("device_id", c.device_id);
  // It names this door in MQTT topics and in the backend: no '/', '+' or '#'.
  if (c.device_id.size() > 64 ||
      c.device_id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
    top.fail("device_id", "must be 1 to 64 letters, digits, '.', '_' or '-', got \"" + c.device_id + "\"");
  c.pipeline.device_id = c.device_id;

  // In the file's order: a later section may rely on what an earlier one read.
  using namespace config_detail;
  for (auto* read : {read_models, read_camera, read_pipeline, read_decision, read_gallery, read_relay_and_gpio, read_enroll,
                     read_liveness, read_backend, read_mqtt, read_home_assistant, read_outbox, read_access, read_lockout,
                     read_events, read_console, read_log})
    read(top, c);
  top.finish();

  if (check != ModelCheck::Skip) check_files(c, check, name);
  return c;
}

std::filesystem::path resolve_config_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("PORTIER_CONFIG"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::is_regular_file("/etc/portier/portier.toml", ec)) return "/etc/portier/portier.toml";
  return PORTIER_DEFAULT_CONFIG_FILE;
}

}  // namespace portier
