#include "app/config.h"

#include "access/access_policy.h"
#include "access/local_clock.h"
#include "access/verification_mode.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <toml++/toml.h>

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
namespace {

// Reads the keys of one table and remembers which it used, so that anything
// left over is reported as unknown (a typo must not silently fall back).
class Section {
 public:
  Section(const toml::table* table, std::string name, const std::string& file)
      : table_(table), name_(std::move(name)), file_(file) {}

  Section section(const std::string& key) {
    used_.insert(key);
    const toml::node* node = table_ ? table_->get(key) : nullptr;
    if (node && !node->is_table()) fail(key, "must be a table ([" + qualified(key) + "])");
    return Section(node ? node->as_table() : nullptr, qualified(key), file_);
  }

  void integer(const std::string& key, int& out, int lo, int hi) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_integer();
    if (!v) fail(key, "must be an integer");
    if (v->get() < lo || v->get() > hi)
      fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                    std::to_string(v->get()));
    out = static_cast<int>(v->get());
  }

  void number(const std::string& key, double& out, double lo, double hi) {
    const toml::node* node = find(key);
    if (!node) return;
    double value;
    if (const auto* f = node->as_floating_point()) value = f->get();
    else if (const auto* i = node->as_integer()) value = static_cast<double>(i->get());
    else fail(key, "must be a number");
    if (!(value >= lo && value <= hi))
      fail(key, "must be between " + trim(lo) + " and " + trim(hi) + ", got " + trim(value));
    out = value;
  }

  void boolean(const std::string& key, bool& out) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_boolean();
    if (!v) fail(key, "must be true or false");
    out = v->get();
  }

  bool has(const std::string& key) const { return table_ && table_->get(key); }

  void string(const std::string& key, std::string& out, bool allow_empty = false) {
    const toml::node* node = find(key);
    if (!node) return;
    const auto* v = node->as_string();
    if (!v) fail(key, "must be a string");
    if (!allow_empty && v->get().empty()) fail(key, "must not be empty");
    out = v->get();
  }

  void choice(const std::string& key, std::string& out, std::initializer_list<const char*> allowed) {
    string(key, out);
    std::string list;
    for (const char* a : allowed) {
      if (out == a) return;
      list += std::string(list.empty() ? "" : ", ") + a;
    }
    fail(key, "must be one of " + list + ", got \"" + out + "\"");
  }

  // Every key present must have been read.
  void finish() const {
    if (!table_) return;
    for (const auto& [key, node] : *table_)
      if (!used_.count(std::string(key.str()))) fail(std::string(key.str()), "is not a known setting");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ConfigError("config " + file_ + ": key '" + qualified(key) + "' " + what);
  }

 private:
  const toml::node* find(const std::string& key) {
    used_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }
  std::string qualified(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }
  static std::string trim(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  }

  const toml::table* table_;
  std::string name_;
  const std::string& file_;
  std::set<std::string> used_;
};

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

}  // namespace

bool takes_pins(const Config& c) { return c.keypad.type != "none" || c.reader.type == "wiegand"; }

std::optional<std::string> policy_device_problem(const AccessPolicy& policy, const Config& c) {
  // Every mode the schedule may switch to needs its devices now, not at 19:00.
  std::vector<VerificationMode> modes;
  if (policy.door_mode) modes.push_back(*policy.door_mode);
  for (const auto& rule : policy.door_schedule) modes.push_back(rule.mode);
  for (const auto m : modes) {
    if (needs_card_reader(m) && c.reader.type == "none")
      return std::string("its door mode \"") + to_string(m) + "\" needs a card reader: set [reader] type and device";
    if (needs_keypad(m) && !takes_pins(c))
      return std::string("its door mode \"") + to_string(m) + "\" needs a PIN keypad: set [keypad] type and device";
  }
  return std::nullopt;
}

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

  Section top(&root, "", name);
  top.string("device_id", c.device_id);
  // It names this door in MQTT topics and in the backend: no '/', '+' or '#'.
  if (c.device_id.size() > 64 ||
      c.device_id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
    top.fail("device_id", "must be 1 to 64 letters, digits, '.', '_' or '-', got \"" + c.device_id + "\"");
  c.pipeline.device_id = c.device_id;

  Section models = top.section("models");
  std::string dir;
  models.string("dir", dir, true);
  c.models.dir = dir.empty() ? default_models_dir() : std::filesystem::path(dir);
  std::string detector = "hog";
  models.choice("detector", detector, {"hog", "cnn"});
  c.models.detector = detector == "cnn" ? DetectorKind::Mmod : DetectorKind::Hog;
  models.integer("upsample", c.models.upsample, 0, 2);
  models.number("hog_threshold", c.models.hog_threshold, -1.0, 3.0);
  models.integer("live_fallback_every", c.models.live_fallback_every, 0, 1000);
  models.boolean("still_fallback", c.models.still_fallback);
  models.boolean("still_mirror", c.models.still_mirror);
  models.finish();

  Section camera = top.section("camera");
  camera.string("source", c.camera_source);
  camera.integer("width", c.camera.width, 160, 4096);
  camera.integer("height", c.camera.height, 120, 4096);
  camera.number("fps", c.camera.fps, 1.0, 120.0);
  camera.finish();

  Section pipeline = top.section("pipeline");
  pipeline.integer("queue_capacity", c.pipeline.queue_capacity, 1, 64);
  pipeline.integer("detect_workers", c.pipeline.detect_workers, 1, 16);
  pipeline.integer("detect_every", c.pipeline.detect_every, 1, 30);
  pipeline.integer("embed_every", c.pipeline.tracking.embed_every, 1, 60);
  pipeline.integer("recheck_every", c.pipeline.tracking.recheck_every, 1, 600);
  pipeline.number("track_min_iou", c.pipeline.tracking.tracker.min_iou, 0.05, 0.95);
  pipeline.integer("track_max_missed", c.pipeline.tracking.tracker.max_missed, 0, 300);
  pipeline.integer("blas_threads", c.blas_threads, 1, 16);
  pipeline.finish();

  Section decision = top.section("decision");
  decision.number("max_fpir", c.recognition.max_fpir, 1e-6, 0.5);
  if (decision.has("threshold")) {
    double threshold = c.pipeline.decision.threshold;
    decision.number("threshold", threshold, 0.1, 1.2);
    c.recognition.fixed_threshold = threshold;
    c.pipeline.decision.threshold = static_cast<float>(threshold);
  }
  c.recognition.curves = default_recognition_curves();
  c.recognition.curves_sha256 = std::string(kRecognitionCurves.sha256);
  decision.integer("grant_frames", c.pipeline.decision.grant_frames, 1, 100);
  decision.integer("deny_frames", c.pipeline.decision.deny_frames, 1, 100);
  decision.integer("max_frames", c.pipeline.decision.max_frames, 1, 1000);
  if (c.pipeline.decision.max_frames < std::max(c.pipeline.decision.grant_frames, c.pipeline.decision.deny_frames))
    decision.fail("max_frames", "must be at least grant_frames and deny_frames");
  decision.finish();

  Section gallery = top.section("gallery");
  std::string gallery_path;
  gallery.string("path", gallery_path, true);
  c.gallery_path = gallery_path.empty() ? default_gallery_path() : std::filesystem::path(gallery_path);
  gallery.finish();

  Section relay = top.section("relay");
  relay.choice("driver", c.relay_driver, {"simulated", "gpio"});
  int pulse_ms = static_cast<int>(c.pipeline.relay_hold.count());
  relay.integer("pulse_ms", pulse_ms, 100, 60000);
  c.pipeline.relay_hold = std::chrono::milliseconds(pulse_ms);
  relay.finish();

  Section gpio = top.section("gpio");
  gpio.string("chip_label", c.gpio_chip_label);
  auto line = [&](const char* key, unsigned& out) {
    int value = static_cast<int>(out);
    gpio.integer(key, value, 0, 511);
    out = static_cast<unsigned>(value);
  };
  auto optional_line = [&](const char* key, std::optional<unsigned>& out) {
    int value = out ? static_cast<int>(*out) : -1;
    gpio.integer(key, value, -1, 511);  // -1: not wired
    out = value < 0 ? std::nullopt : std::optional<unsigned>(static_cast<unsigned>(value));
  };
  auto flag = [&](const char* key, bool& out) {
    std::string v = out ? "low" : "high";
    gpio.choice(key, v, {"high", "low"});
    out = v == "low";
  };
  line("relay_line", c.door.relay);
  flag("relay_active", c.door.relay_active_low);
  optional_line("contact_line", c.door.contact);
  flag("contact_open", c.door.contact_active_low);
  optional_line("exit_line", c.door.exit_button);
  flag("exit_pressed", c.door.exit_active_low);
  optional_line("green_led_line", c.door.green_led);
  optional_line("red_led_line", c.door.red_led);
  optional_line("buzzer_line", c.door.buzzer);
  int exit_hold = static_cast<int>(c.door_timings.exit_hold.count());
  gpio.integer("exit_hold_ms", exit_hold, 100, 60000);
  c.door_timings.exit_hold = std::chrono::milliseconds(exit_hold);
  int held_open = static_cast<int>(c.door_timings.held_open.count() / 1000);
  gpio.integer("held_open_s", held_open, 1, 3600);
  c.door_timings.held_open = std::chrono::seconds(held_open);
  {
    std::set<unsigned> used{c.door.relay};
    for (const auto& [key, l] : {std::pair{"contact_line", c.door.contact}, {"exit_line", c.door.exit_button},
                                 {"green_led_line", c.door.green_led}, {"red_led_line", c.door.red_led},
                                 {"buzzer_line", c.door.buzzer}})
      if (l && !used.insert(*l).second) gpio.fail(key, "uses line " + std::to_string(*l) + ", which another key already uses");
  }
  gpio.finish();

  Section enroll = top.section("enroll");
  enroll.integer("min_face_px", c.enroll.min_face_px, 20, 2000);
  enroll.number("min_sharpness", c.enroll.min_sharpness, 0.0, 10000.0);
  enroll.finish();

  Section liveness = top.section("liveness");
  liveness.boolean("enabled", c.liveness.enabled);
  std::string model, model_sha;
  liveness.string("model", model, true);
  liveness.string("model_sha256", model_sha, true);
  if (model.empty()) {
    if (!model_sha.empty()) liveness.fail("model_sha256", "is only used together with liveness.model");
    c.liveness.model = default_liveness_model();
    c.liveness.model_sha256 = std::string(kLivenessModel.sha256);
  } else {
    // A model of one's own (`portier liveness train` prints both lines) is
    // pinned by its checksum like the shipped one: a swapped file must not load.
    if (!is_sha256_hex(model_sha))
      liveness.fail("model_sha256", "must be the 64 lower-case hex digits of the model's sha256 when liveness.model is set");
    c.liveness.model = model;
    c.liveness.model_sha256 = model_sha;
  }
  if (liveness.has("threshold")) {
    double threshold = 0.5;
    liveness.number("threshold", threshold, 0.0, 1.0);
    c.liveness.threshold = threshold;
  }
  liveness.integer("frames", c.pipeline.decision.liveness_frames, 1, 100);
  liveness.integer("min_frames", c.pipeline.decision.liveness_min_frames, 1, 100);
  if (c.pipeline.decision.liveness_min_frames > c.pipeline.decision.liveness_frames)
    liveness.fail("min_frames", "must not be more than liveness.frames");
  liveness.boolean("keep_evidence", c.liveness.keep_evidence);
  std::string evidence_dir, calibration;
  liveness.string("evidence_dir", evidence_dir, true);
  liveness.string("calibration", calibration, true);
  c.liveness.evidence_dir = evidence_dir.empty() ? c.gallery_path.parent_path() / "evidence" : std::filesystem::path(evidence_dir);
  c.liveness.calibration_file =
      calibration.empty() ? c.gallery_path.parent_path() / "liveness-calibration.json" : std::filesystem::path(calibration);
  std::string site_model;
  liveness.string("site_model", site_model, true);
  liveness.string("site_model_sha256", c.liveness.site_model_sha256, true);
  if (!c.liveness.site_model_sha256.empty() && !is_sha256_hex(c.liveness.site_model_sha256))
    liveness.fail("site_model_sha256", "must be the 64 lower-case hex digits that 'portier liveness adapt' printed, or empty");
  c.liveness.site_model_file =
      site_model.empty() ? c.gallery_path.parent_path() / "liveness-site.json" : std::filesystem::path(site_model);
  liveness.finish();

  Section backend = top.section("backend");
  std::string mode = "local";
  backend.choice("mode", mode, {"local", "backend"});
  c.backend.mode = mode == "backend" ? DecisionMode::Backend : DecisionMode::Local;
  auto& https = c.backend.https;
  backend.string("url", https.url, true);
  auto ms = [](Section& s, const char* key, std::chrono::milliseconds& out, int lo, int hi) {
    int v = static_cast<int>(out.count());
    s.integer(key, v, lo, hi);
    out = std::chrono::milliseconds(v);
  };
  auto path_key = [](Section& s, const char* key, std::filesystem::path& out) {
    std::string v;
    s.string(key, v, true);
    out = v;
  };
  path_key(backend, "ca_file", https.ca_file);
  path_key(backend, "token_file", https.token_file);
  ms(backend, "connect_timeout_ms", https.connect_timeout, 100, 60000);
  ms(backend, "timeout_ms", https.timeout, 100, 300000);
  ms(backend, "verify_timeout_ms", https.verify_timeout, 100, 30000);
  backend.boolean("send_face_jpeg", https.send_face_jpeg);
  backend.boolean("sync_users", https.sync_users);
  backend.boolean("sync_policy", https.sync_policy);
  if (!https.url.empty()) {
    if (https.url.rfind("https://", 0) != 0)
      backend.fail("url", "must be an https:// URL: the backend is reached over TLS only, got \"" + https.url + "\"");
    while (https.url.back() == '/') https.url.pop_back();
    if (https.ca_file.empty()) backend.fail("ca_file", "is required with backend.url (the CA the server's certificate must chain to)");
    if (https.token_file.empty()) backend.fail("token_file", "is required with backend.url (the file holding the bearer token)");
  } else {
    if (c.backend.mode == DecisionMode::Backend) backend.fail("mode", "\"backend\" needs backend.url");
    if (https.sync_users) backend.fail("sync_users", "needs backend.url");
    if (https.sync_policy) backend.fail("sync_policy", "needs backend.url");
  }
  backend.finish();

  Section mqtt = top.section("mqtt");
  auto& m = c.backend.mqtt;
  mqtt.string("url", m.url, true);
  path_key(mqtt, "ca_file", m.ca_file);
  path_key(mqtt, "cert_file", m.cert_file);
  path_key(mqtt, "key_file", m.key_file);
  mqtt.string("client_id", m.client_id, true);
  mqtt.string("topic_prefix", m.topic_prefix);
  int keepalive = static_cast<int>(m.keepalive.count());
  mqtt.integer("keepalive_s", keepalive, 5, 3600);
  m.keepalive = std::chrono::seconds(keepalive);
  path_key(mqtt, "command_key_file", m.command_key_file);
  int max_age = static_cast<int>(m.command_max_age.count());
  mqtt.integer("command_max_age_s", max_age, 5, 3600);
  m.command_max_age = std::chrono::seconds(max_age);
  if (m.topic_prefix.find_first_of("+#") != std::string::npos || m.topic_prefix.front() == '/' || m.topic_prefix.back() == '/')
    mqtt.fail("topic_prefix", "must not hold '+' or '#' nor start or end with '/', got \"" + m.topic_prefix + "\"");
  if (!m.url.empty()) {
    if (m.url.rfind("mqtts://", 0) == 0) m.url = "ssl://" + m.url.substr(8);
    if (m.url.rfind("ssl://", 0) != 0)
      mqtt.fail("url", "must be an ssl:// (or mqtts://) URL: the broker is reached over mutual TLS only, got \"" + m.url + "\"");
    for (const auto& [key, file] : {std::pair{"ca_file", &m.ca_file}, {"cert_file", &m.cert_file}, {"key_file", &m.key_file}})
      if (file->empty()) mqtt.fail(key, "is required with mqtt.url (mutual TLS)");
  }
  if (m.client_id.empty()) m.client_id = "portier-" + c.device_id;
  mqtt.finish();

  Section ha = top.section("homeassistant");
  auto& h = c.backend.home_assistant;
  ha.boolean("enabled", h.enabled);
  ha.string("discovery_prefix", h.discovery_prefix);
  ha.boolean("allow_commands", h.allow_commands);
  if (h.discovery_prefix.empty() || h.discovery_prefix.find_first_of("+# ") != std::string::npos ||
      h.discovery_prefix.front() == '/' || h.discovery_prefix.back() == '/')
    ha.fail("discovery_prefix", "must be a topic without '+', '#' or spaces, not starting or ending with '/', got \"" +
                                    h.discovery_prefix + "\"");
  if (h.enabled && m.url.empty()) ha.fail("enabled", "needs [mqtt] url: Home Assistant is reached over the broker");
  if (h.allow_commands && !h.enabled) ha.fail("allow_commands", "needs homeassistant.enabled = true");
  ha.finish();

  Section outbox = top.section("outbox");
  auto& o = c.backend.outbox;
  path_key(outbox, "path", o.path);
  if (o.path.empty()) o.path = c.gallery_path.parent_path() / "outbox.db";
  int max_events = static_cast<int>(o.max_events);
  outbox.integer("max_events", max_events, 100, 10000000);
  o.max_events = max_events;
  int batch = static_cast<int>(o.batch_size);
  outbox.integer("batch_size", batch, 1, 1000);
  o.batch_size = static_cast<size_t>(batch);
  ms(outbox, "retry_base_ms", o.retry_base, 10, 60000);
  int retry_max = static_cast<int>(o.retry_cap.count() / 1000);
  outbox.integer("retry_max_s", retry_max, 1, 3600);
  o.retry_cap = std::chrono::seconds(retry_max);
  outbox.finish();

  Section access = top.section("access");
  std::string verification = to_string(c.pipeline.access.mode);
  access.choice("mode", verification, {"face", "card", "card|face", "card+face", "face+pin", "card+pin"});
  c.pipeline.access.mode = *parse_verification_mode(verification);
  int auth_timeout = static_cast<int>(c.pipeline.access.auth_timeout.count() / 1000);
  access.integer("auth_timeout_s", auth_timeout, 1, 120);
  c.pipeline.access.auth_timeout = std::chrono::seconds(auth_timeout);

  // The card reader and the PIN keypad: two devices (a wedge reader types
  // card numbers the way a keypad types PINs, so one device cannot be both).
  auto read_device = [&](Section& section, const char* name, ReaderConfig& into) {
    if (std::string(name) == "reader") section.choice("type", into.type, {"none", "evdev", "wiegand"});
    else section.choice("type", into.type, {"none", "evdev"});
    std::string device;
    section.string("device", device, true);
    into.evdev.device = device;
    if (into.type == "evdev" && device.empty())
      section.fail("device", std::string("is required with ") + name + ".type = \"evdev\" (an input device, or a FIFO)");
    if (into.type != "evdev" && !device.empty())
      section.fail("type", std::string("is \"") + into.type + "\" but " + name + ".device is set: set type = \"evdev\"");
  };
  Section reader = top.section("reader");
  read_device(reader, "reader", c.reader);
  c.reader.evdev.delivers = Credential::Kind::Card;
  std::string card_format = "decimal";
  reader.choice("card_format", card_format, {"decimal", "hex"});
  c.reader.evdev.hex = card_format == "hex";
  reader.integer("card_digits", c.reader.evdev.keep_digits, 0, 32);
  {
    // Wiegand: two lines of [gpio] chip_label; the frame layout; the gap that ends a frame.
    auto& w = c.reader.wiegand;
    const bool wiegand = c.reader.type == "wiegand";
    for (const char* key : {"d0_line", "d1_line", "wiegand_bits", "wiegand_number", "frame_gap_ms"})
      if (!wiegand && reader.has(key)) reader.fail(key, "is a Wiegand setting, but reader.type is \"" + c.reader.type + "\"");
    int d0 = -1, d1 = -1;
    reader.integer("d0_line", d0, 0, 511);
    reader.integer("d1_line", d1, 0, 511);
    if (wiegand && (d0 < 0 || d1 < 0)) reader.fail(d0 < 0 ? "d0_line" : "d1_line", "is required with reader.type = \"wiegand\"");
    if (wiegand && d0 == d1) reader.fail("d1_line", "is line " + std::to_string(d1) + ", the same as d0_line");
    w.d0_line = static_cast<unsigned>(std::max(d0, 0));
    w.d1_line = static_cast<unsigned>(std::max(d1, 0));
    if (wiegand && c.relay_driver == "gpio") {
      for (const auto& [key, l] : {std::pair{"relay_line", std::optional<unsigned>(c.door.relay)}, {"contact_line", c.door.contact},
                                   {"exit_line", c.door.exit_button}, {"green_led_line", c.door.green_led},
                                   {"red_led_line", c.door.red_led}, {"buzzer_line", c.door.buzzer}})
        for (const auto& [mine, offset] : {std::pair{"d0_line", w.d0_line}, {"d1_line", w.d1_line}})
          if (l && *l == offset)
            reader.fail(mine, "is line " + std::to_string(offset) + ", which [gpio] " + key + " already uses");
    }
    reader.integer("wiegand_bits", w.format.card_bits, 10, 64);
    std::string number = "data";
    reader.choice("wiegand_number", number, {"data", "card"});
    if (number == "card" && w.format.card_bits != 26 && w.format.card_bits != 34)
      reader.fail("wiegand_number", "\"card\" needs the 26- or 34-bit format (which have a card field), not " +
                                        std::to_string(w.format.card_bits) + " bits");
    w.format.card_field_only = number == "card";
    int gap = static_cast<int>(w.format.frame_gap.count());
    reader.integer("frame_gap_ms", gap, 5, 500);
    w.format.frame_gap = std::chrono::milliseconds(gap);
    w.format.hex = c.reader.evdev.hex;
    w.format.card_digits = c.reader.evdev.keep_digits;
  }
  Section keypad = top.section("keypad");
  read_device(keypad, "keypad", c.keypad);
  c.keypad.evdev.delivers = Credential::Kind::Pin;
  if (needs_card_reader(c.pipeline.access.mode) && c.reader.type == "none")
    access.fail("mode", std::string("\"") + verification + "\" needs a card reader: set [reader] type and device");
  if (needs_keypad(c.pipeline.access.mode) && !takes_pins(c))
    access.fail("mode", std::string("\"") + verification + "\" needs a PIN keypad: set [keypad] type and device (or a Wiegand [reader] with keys)");
  std::string policy_file;
  access.string("policy_file", policy_file, true);
  access.string("time_zone", c.time_zone, true);
  c.access_policy_file = policy_file;
  std::shared_ptr<const LocalClock> clock;
  try {
    // Checked even without a policy: a zone the system does not know is a typo.
    if (!policy_file.empty() || !c.time_zone.empty() || c.backend.https.sync_policy)
      clock = std::make_shared<const LocalClock>(c.time_zone);
  } catch (const std::exception& e) {
    access.fail("time_zone", e.what());
  }
  if (!policy_file.empty()) {
    std::shared_ptr<const AccessPolicy> policy;
    try {
      policy = std::make_shared<const AccessPolicy>(load_access_policy(policy_file));
    } catch (const PolicyError& e) {
      access.fail("policy_file", e.what());
    }
    if (auto problem = policy_device_problem(*policy, c)) access.fail("policy_file", *problem);
    c.pipeline.access.policy = std::move(policy);
  }
  // A policy from the backend may come at any time: the clock is ready for it.
  if (clock) c.pipeline.access.local_now = [clock] { return clock->now(); };
  access.finish();
  reader.finish();
  keypad.finish();

  Section lockout = top.section("lockout");
  auto& lo = c.pipeline.access.lockout;
  lockout.integer("attempts", lo.attempts, 0, 100);
  int window_s = static_cast<int>(lo.window.count()), duration_s = static_cast<int>(lo.duration.count());
  lockout.integer("window_s", window_s, 1, 3600);
  lockout.integer("duration_s", duration_s, 1, 3600);
  lo.window = std::chrono::seconds(window_s);
  lo.duration = std::chrono::seconds(duration_s);
  lockout.boolean("unknown_faces", lo.unknown_faces);
  lockout.finish();

  Section events = top.section("events");
  std::string card_numbers = "masked";
  events.choice("card_numbers", card_numbers, {"masked", "full"});
  c.pipeline.access.full_card_numbers = card_numbers == "full";
  events.boolean("keep_faces", c.access_log.keep_faces);
  events.integer("faces_max_mb", c.access_log.faces_max_mb, 1, 100000);
  events.integer("log_max_events", c.access_log.max_events, 100, 10000000);
  events.finish();

  Section console = top.section("console");
  console.boolean("enabled", c.console.enabled);
  std::string listen = c.console.address + ":" + std::to_string(c.console.port);
  console.string("listen", listen);
  {
    // address:port; the address may be a bracketed IPv6 one.
    const auto colon = listen.rfind(':');
    int port = 0;
    const bool port_ok = colon != std::string::npos && colon + 1 < listen.size() &&
                         listen.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
                         (port = std::atoi(listen.c_str() + colon + 1)) >= 1 && port <= 65535;
    std::string address = port_ok ? listen.substr(0, colon) : "";
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
    if (!port_ok || address.empty())
      console.fail("listen", "must be ADDRESS:PORT (e.g. \"0.0.0.0:8443\", \"[::]:8443\"), got \"" + listen + "\"");
    c.console.address = address;
    c.console.port = port;
  }
  path_key(console, "cert_file", c.console.cert_file);
  path_key(console, "key_file", c.console.key_file);
  if (c.console.cert_file.empty() != c.console.key_file.empty())
    console.fail(c.console.cert_file.empty() ? "cert_file" : "key_file",
                 "goes with console.cert_file and console.key_file both set (or both empty for a self-signed pair)");
  console.integer("live_viewers", c.console.live_viewers, 0, 8);
  console.number("live_fps", c.console.live_fps, 0.5, 15.0);
  console.finish();

  Section log = top.section("log");
  log.choice("level", c.log_level, {"trace", "debug", "info", "warn", "error"});
  log.finish();

  top.finish();

  if (check != ModelCheck::Skip) {
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
