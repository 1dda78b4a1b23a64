// [decision], [gallery], [enroll], [liveness], [access] (with [reader] and
// [keypad]), [lockout], [events] and [log]: who is let in, and how.
#include <algorithm>
#include <memory>

#include "access/access_policy.h"
#include "access/local_clock.h"
#include "access/verification_mode.h"
#include "app/config_section.h"
#include "models/model_files.h"

namespace portier::config_detail {
namespace {

// The card reader and the PIN keypad: two devices (a wedge reader types card
// numbers the way a keypad types PINs, so one device cannot be both).
void read_device(Section& section, const char* name, ReaderConfig& into) {
  if (std::string(name) == "reader")
    section.one_of("type", into.type,
                   {{"none", ReaderType::None}, {"evdev", ReaderType::Evdev}, {"wiegand", ReaderType::Wiegand}});
  else
    section.one_of("type", into.type, {{"none", ReaderType::None}, {"evdev", ReaderType::Evdev}});
  std::string device;
  section.string("device", device, true);
  into.evdev.device = device;
  if (into.type == ReaderType::Evdev && device.empty())
    section.fail("device", std::string("is required with ") + name + ".type = \"evdev\" (an input device, or a FIFO)");
  if (into.type != ReaderType::Evdev && !device.empty())
    section.fail("type", std::string("is \"") + to_string(into.type) + "\" but " + name + ".device is set: set type = \"evdev\"");
}

// Wiegand: two lines of [gpio] chip_label; the frame layout; the gap that ends a frame.
void read_wiegand(Section& reader, Config& c) {
  auto& w = c.reader.wiegand;
  const bool wiegand = c.reader.type == ReaderType::Wiegand;
  for (const char* key : {"d0_line", "d1_line", "wiegand_bits", "wiegand_number", "frame_gap_ms"})
    if (!wiegand && reader.has(key)) reader.fail(key, std::string("is a Wiegand setting, but reader.type is \"") + to_string(c.reader.type) + "\"");
  int d0 = -1, d1 = -1;
  reader.integer("d0_line", d0, 0, 511);
  reader.integer("d1_line", d1, 0, 511);
  if (wiegand && (d0 < 0 || d1 < 0)) reader.fail(d0 < 0 ? "d0_line" : "d1_line", "is required with reader.type = \"wiegand\"");
  if (wiegand && d0 == d1) reader.fail("d1_line", "is line " + std::to_string(d1) + ", the same as d0_line");
  w.d0_line = static_cast<unsigned>(std::max(d0, 0));
  w.d1_line = static_cast<unsigned>(std::max(d1, 0));
  if (wiegand && c.relay_driver == RelayDriver::Gpio) {
    for (const auto& [key, l] : door_lines(c.door))
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

void read_credential_devices(Section& top, Config& c) {
  Section reader = top.section("reader");
  read_device(reader, "reader", c.reader);
  c.reader.evdev.delivers = Credential::Kind::Card;
  std::string card_format = "decimal";
  reader.choice("card_format", card_format, {"decimal", "hex"});
  c.reader.evdev.hex = card_format == "hex";
  reader.integer("card_digits", c.reader.evdev.keep_digits, 0, 32);
  read_wiegand(reader, c);
  Section keypad = top.section("keypad");
  read_device(keypad, "keypad", c.keypad);
  c.keypad.evdev.delivers = Credential::Kind::Pin;
  reader.finish();
  keypad.finish();
}

// The access policy and the door's zone: a policy is checked, with the
// devices its schedule's modes need, when the config is.
void read_policy(Section& access, Config& c) {
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
}

}  // namespace

void read_decision(Section& top, Config& c) {
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
}

void read_gallery(Section& top, Config& c) {
  Section gallery = top.section("gallery");
  std::string gallery_path;
  gallery.string("path", gallery_path, true);
  c.gallery_path = gallery_path.empty() ? default_gallery_path() : std::filesystem::path(gallery_path);
  gallery.finish();
}

void read_enroll(Section& top, Config& c) {
  Section enroll = top.section("enroll");
  enroll.integer("min_face_px", c.enroll.min_face_px, 20, 2000);
  enroll.number("min_sharpness", c.enroll.min_sharpness, 0.0, 10000.0);
  enroll.number("duplicate_distance", c.enroll.duplicate_distance, 0.0, 0.6);
  enroll.finish();
}

void read_liveness(Section& top, Config& c) {
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
}

void read_access(Section& top, Config& c) {
  Section access = top.section("access");
  std::string verification = to_string(c.pipeline.access.mode);
  access.choice("mode", verification, {"face", "card", "card|face", "card+face", "face+pin", "card+pin"});
  c.pipeline.access.mode = *parse_verification_mode(verification);
  int auth_timeout = static_cast<int>(c.pipeline.access.auth_timeout.count() / 1000);
  access.integer("auth_timeout_s", auth_timeout, 1, 120);
  c.pipeline.access.auth_timeout = std::chrono::seconds(auth_timeout);

  read_credential_devices(top, c);
  if (needs_card_reader(c.pipeline.access.mode) && c.reader.type == ReaderType::None)
    access.fail("mode", std::string("\"") + verification + "\" needs a card reader: set [reader] type and device");
  if (needs_keypad(c.pipeline.access.mode) && !takes_pins(c))
    access.fail("mode", std::string("\"") + verification + "\" needs a PIN keypad: set [keypad] type and device (or a Wiegand [reader] with keys)");
  access.boolean("lookalike_second_factor", c.lookalike_second_factor);
  if (c.lookalike_second_factor && c.reader.type == ReaderType::None && !takes_pins(c))
    access.fail("lookalike_second_factor", "asks look-alikes for a card or PIN, but this door has neither: set [reader] or [keypad]");
  read_policy(access, c);
  access.finish();
}

void read_lockout(Section& top, Config& c) {
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
}

void read_events(Section& top, Config& c) {
  Section events = top.section("events");
  std::string card_numbers = "masked";
  events.choice("card_numbers", card_numbers, {"masked", "full"});
  c.pipeline.access.full_card_numbers = card_numbers == "full";
  events.boolean("keep_faces", c.access_log.keep_faces);
  events.integer("faces_max_mb", c.access_log.faces_max_mb, 1, 100000);
  events.integer("log_max_events", c.access_log.max_events, 100, 10000000);
  events.finish();
}

void read_log(Section& top, Config& c) {
  Section log = top.section("log");
  log.choice("level", c.log_level, {"trace", "debug", "info", "warn", "error"});
  log.finish();
}

}  // namespace portier::config_detail
