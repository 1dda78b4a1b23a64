#include "app/config.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace portier {
namespace {

std::string config_error(const std::string& toml, ModelCheck check = ModelCheck::Skip) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", toml);
  try {
    load_config(dir / "c.toml", check);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, EmptyFileGivesTheDefaults) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(c.pipeline.detect_workers, 2);
  EXPECT_EQ(c.models.detector, DetectorKind::Hog);
  EXPECT_FALSE(c.gallery_path.empty());
}

TEST(Config, ReadsEveryTable) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", R"(
device_id = "back-door"
[models]
detector = "cnn"
upsample = 1
[camera]
source = "video:/tmp/x.mp4"
[pipeline]
detect_workers = 3
embed_every = 2
[decision]
threshold = 0.45
grant_frames = 5
[gallery]
path = "/tmp/g.db"
[relay]
pulse_ms = 1500
[enroll]
min_face_px = 100
[log]
level = "debug"
)");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(c.device_id, "back-door");
  EXPECT_EQ(c.pipeline.device_id, "back-door");
  EXPECT_EQ(c.models.detector, DetectorKind::Mmod);
  EXPECT_EQ(c.models.upsample, 1);
  EXPECT_EQ(c.camera_source, "video:/tmp/x.mp4");
  EXPECT_EQ(c.pipeline.detect_workers, 3);
  EXPECT_EQ(c.pipeline.tracking.embed_every, 2);
  EXPECT_FLOAT_EQ(c.pipeline.decision.threshold, 0.45f);
  EXPECT_EQ(c.pipeline.decision.grant_frames, 5);
  EXPECT_EQ(c.gallery_path, "/tmp/g.db");
  EXPECT_EQ(c.pipeline.relay_hold.count(), 1500);
  EXPECT_EQ(c.enroll.min_face_px, 100);
  EXPECT_EQ(c.log_level, "debug");
}

TEST(Config, UnknownKeyIsNamed) {
  EXPECT_NE(config_error("[decision]\nthreshhold = 0.5\n").find("'decision.threshhold' is not a known setting"),
            std::string::npos);
  EXPECT_NE(config_error("colour = 1\n").find("'colour' is not a known setting"), std::string::npos);
}

TEST(Config, WrongTypeIsNamed) {
  EXPECT_NE(config_error("[pipeline]\ndetect_workers = \"two\"\n").find("'pipeline.detect_workers' must be an integer"),
            std::string::npos);
  EXPECT_NE(config_error("[decision]\nthreshold = \"low\"\n").find("'decision.threshold' must be a number"),
            std::string::npos);
  EXPECT_NE(config_error("models = 3\n").find("'models' must be a table"), std::string::npos);
}

TEST(Config, OutOfRangeValueIsNamedWithItsRange) {
  const auto e = config_error("[decision]\nthreshold = 1.7\n");
  EXPECT_NE(e.find("'decision.threshold' must be between 0.1 and 1.2, got 1.7"), std::string::npos) << e;
  EXPECT_NE(config_error("[relay]\npulse_ms = 5\n").find("'relay.pulse_ms'"), std::string::npos);
  EXPECT_NE(config_error("[models]\ndetector = \"yolo\"\n").find("must be one of hog, cnn"), std::string::npos);
}

TEST(Config, InconsistentDecisionFramesAreRefused) {
  EXPECT_NE(config_error("[decision]\ngrant_frames = 10\nmax_frames = 5\n").find("'decision.max_frames'"),
            std::string::npos);
}

TEST(Config, SyntaxErrorGivesFileLineAndColumn) {
  const auto e = config_error("[decision\nthreshold = 0.5\n");
  EXPECT_NE(e.find("c.toml:1:"), std::string::npos) << e;
}

TEST(Config, MissingFileIsNamed) {
  try {
    load_config("/nonexistent/portier.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/portier.toml does not exist"), std::string::npos);
  }
}

TEST(Config, MissingModelFileIsNamed) {
  test::TempDir models;
  const auto e = config_error("[models]\ndir = \"" + models.path().string() + "\"\n", ModelCheck::Verify);
  EXPECT_NE(e.find("shape_predictor_5_face_landmarks.dat is missing"), std::string::npos) << e;
}

TEST(Config, CorruptModelFileIsNamed) {
  test::TempDir models;
  test::write_file(models / "shape_predictor_5_face_landmarks.dat", "not a model");
  const auto e = config_error("[models]\ndir = \"" + models.path().string() + "\"\n", ModelCheck::Verify);
  EXPECT_NE(e.find("shape_predictor_5_face_landmarks.dat is corrupt: sha256"), std::string::npos) << e;
}

TEST(Config, TheCommittedExampleIsValid) {
  const auto c = load_config(test::kSourceDir / "config" / "portier.example.toml", ModelCheck::Skip);
  EXPECT_EQ(c.device_id, "front-door");
}

TEST(ConfigLiveness, DefaultsToTheShippedModelBesideTheGallery) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "[gallery]\npath = \"" + (dir / "state" / "g.db").string() + "\"\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_TRUE(c.liveness.enabled);
  EXPECT_EQ(c.liveness.model.filename(), "portier-liveness.json");
  EXPECT_EQ(c.liveness.model_sha256.size(), 64u);
  EXPECT_FALSE(c.liveness.threshold) << "unset: calibration or the model decides";
  EXPECT_EQ(c.liveness.evidence_dir, dir / "state" / "evidence");
  EXPECT_EQ(c.liveness.calibration_file, dir / "state" / "liveness-calibration.json");
  EXPECT_EQ(c.pipeline.decision.liveness_frames, 5);
}

TEST(ConfigLiveness, ReadsItsKeys) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "[liveness]\nenabled = false\nthreshold = 0.4\nframes = 8\nmin_frames = 4\n"
                                   "keep_evidence = false\nevidence_dir = \"/tmp/ev\"\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_FALSE(c.liveness.enabled);
  EXPECT_DOUBLE_EQ(*c.liveness.threshold, 0.4);
  EXPECT_EQ(c.pipeline.decision.liveness_frames, 8);
  EXPECT_EQ(c.pipeline.decision.liveness_min_frames, 4);
  EXPECT_FALSE(c.liveness.keep_evidence);
  EXPECT_EQ(c.liveness.evidence_dir, "/tmp/ev");
}

TEST(ConfigLiveness, RefusesWhatWouldWeakenOrConfuseIt) {
  EXPECT_NE(config_error("[liveness]\nenabled = \"yes\"\n").find("'liveness.enabled' must be true or false"),
            std::string::npos);
  EXPECT_NE(config_error("[liveness]\nmodel = \"/tmp/m.json\"\n").find("'liveness.model_sha256' must be the 64"),
            std::string::npos)
      << "a model of one's own must be pinned";
  EXPECT_NE(config_error("[liveness]\nmodel_sha256 = \"" + std::string(64, 'a') + "\"\n").find("only used together"),
            std::string::npos);
  EXPECT_NE(config_error("[liveness]\nframes = 3\nmin_frames = 4\n").find("'liveness.min_frames' must not be more"),
            std::string::npos);
  EXPECT_NE(config_error("[liveness]\nthreshold = 1.5\n").find("'liveness.threshold' must be between 0 and 1"),
            std::string::npos);
}

TEST(ConfigLiveness, AMissingOrSwappedModelIsRefusedAtStartUp) {
  test::TempDir models;
  const std::string sha(64, 'b');
  auto e = config_error("[liveness]\nmodel = \"/nonexistent/m.json\"\nmodel_sha256 = \"" + sha + "\"\n",
                        ModelCheck::Verify);
  EXPECT_NE(e.find("key 'liveness.model': liveness model /nonexistent/m.json is missing"), std::string::npos) << e;
  test::write_file(models / "m.json", "{}");
  e = config_error("[liveness]\nmodel = \"" + (models / "m.json").string() + "\"\nmodel_sha256 = \"" + sha + "\"\n",
                   ModelCheck::Verify);
  EXPECT_NE(e.find("is corrupt or not the expected one"), std::string::npos) << e;
}

TEST(ConfigBackend, NoUrlsMeansNoLinkAndTheOutboxBesideTheGallery) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "[gallery]\npath = \"" + (dir / "g.db").string() + "\"\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_FALSE(c.backend.enabled());
  EXPECT_EQ(c.backend.mode, DecisionMode::Local);
  EXPECT_EQ(c.backend.outbox.path, dir / "outbox.db");
  EXPECT_EQ(c.backend.mqtt.client_id, "portier-portier");
}

TEST(ConfigBackend, ReadsBothLinks) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", R"(device_id = "gate-2"
[backend]
mode = "backend"
url = "https://backend.example:8443/"
ca_file = "/etc/portier/ca.pem"
token_file = "/etc/portier/credentials/token"
verify_timeout_ms = 900
[mqtt]
url = "mqtts://broker.example:8883"
ca_file = "/etc/portier/ca.pem"
cert_file = "/etc/portier/door.pem"
key_file = "/etc/portier/credentials/door.key"
topic_prefix = "site/a"
[homeassistant]
enabled = true
discovery_prefix = "ha"
allow_commands = true
[outbox]
max_events = 500
)");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_TRUE(c.backend.home_assistant.enabled);
  EXPECT_EQ(c.backend.home_assistant.discovery_prefix, "ha");
  EXPECT_TRUE(c.backend.home_assistant.allow_commands);
  EXPECT_EQ(c.backend.mode, DecisionMode::Backend);
  EXPECT_EQ(c.backend.https.url, "https://backend.example:8443") << "trailing slash dropped";
  EXPECT_EQ(c.backend.https.verify_timeout, std::chrono::milliseconds(900));
  EXPECT_EQ(c.backend.mqtt.url, "ssl://broker.example:8883");
  EXPECT_EQ(c.backend.mqtt.client_id, "portier-gate-2");
  EXPECT_EQ(c.backend.mqtt.topic_prefix, "site/a");
  EXPECT_EQ(c.backend.outbox.max_events, 500);
}

TEST(ConfigBackend, RefusesPlainTextLinksAndMissingCredentials) {
  EXPECT_NE(config_error("[backend]\nurl = \"http://backend\"\n").find("'backend.url' must be an https:// URL"),
            std::string::npos);
  EXPECT_NE(config_error("[backend]\nurl = \"https://b\"\ntoken_file = \"/t\"\n").find("'backend.ca_file' is required"),
            std::string::npos);
  EXPECT_NE(config_error("[mqtt]\nurl = \"tcp://broker:1883\"\n").find("'mqtt.url' must be an ssl://"), std::string::npos);
  EXPECT_NE(config_error("[mqtt]\nurl = \"ssl://b:8883\"\nca_file = \"/c\"\n").find("'mqtt.cert_file' is required"),
            std::string::npos);
  EXPECT_NE(config_error("[backend]\nmode = \"backend\"\n").find("'backend.mode' \"backend\" needs backend.url"),
            std::string::npos);
  EXPECT_NE(config_error("[mqtt]\ntopic_prefix = \"door/#\"\n").find("'mqtt.topic_prefix' must not hold"),
            std::string::npos);
  EXPECT_NE(config_error("device_id = \"front/door\"\n").find("'device_id' must be 1 to 64 letters"), std::string::npos);
  EXPECT_NE(config_error("[homeassistant]\nenabled = true\n").find("'homeassistant.enabled' needs [mqtt] url"),
            std::string::npos);
  EXPECT_NE(config_error("[homeassistant]\nallow_commands = true\n").find("'homeassistant.allow_commands' needs"),
            std::string::npos);
  EXPECT_NE(config_error("[homeassistant]\ndiscovery_prefix = \"ha/#\"\n").find("'homeassistant.discovery_prefix' must be"),
            std::string::npos);
}

TEST(ConfigBackend, AMissingCredentialFileIsNamedAtStartUp) {
  test::TempDir dir;
  test::write_file(dir / "ca.pem", "x");
  const auto e = config_error("[backend]\nurl = \"https://b\"\nca_file = \"" + (dir / "ca.pem").string() +
                                  "\"\ntoken_file = \"" + (dir / "no-token").string() + "\"\n",
                              ModelCheck::FaceModelsOnly);
  EXPECT_NE(e.find("key 'backend.token_file': " + (dir / "no-token").string() + " does not exist"), std::string::npos) << e;
}

TEST(ConfigAccess, DefaultsToFaceOnlyWithoutAReader) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(c.pipeline.access.mode, VerificationMode::Face);
  EXPECT_EQ(c.reader.type, ReaderType::None);
}

TEST(ConfigAccess, ReadsTheModeAndTheReader) {
  test::TempDir dir;
  test::write_file(dir / "c.toml",
                   "[access]\nmode = \"card+face\"\nauth_timeout_s = 7\n"
                   "[reader]\ntype = \"evdev\"\ndevice = \"/dev/input/by-id/usb-reader-event-kbd\"\n"
                   "card_format = \"hex\"\ncard_digits = 8\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(c.pipeline.access.mode, VerificationMode::CardAndFace);
  EXPECT_EQ(c.pipeline.access.auth_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.reader.type, ReaderType::Evdev);
  EXPECT_EQ(c.reader.evdev.device, "/dev/input/by-id/usb-reader-event-kbd");
  EXPECT_TRUE(c.reader.evdev.hex);
  EXPECT_EQ(c.reader.evdev.keep_digits, 8);
  EXPECT_EQ(c.reader.evdev.delivers, Credential::Kind::Card);
  EXPECT_EQ(c.keypad.type, ReaderType::None);
  EXPECT_FALSE(c.pipeline.access.full_card_numbers) << "masked unless asked";
  test::write_file(dir / "c.toml",
                   "[access]\nmode = \"card+pin\"\n"
                   "[reader]\ntype = \"evdev\"\ndevice = \"/run/portier-reader\"\n"
                   "[keypad]\ntype = \"evdev\"\ndevice = \"/run/portier-keypad\"\n");
  const auto pin = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(pin.pipeline.access.mode, VerificationMode::CardAndPin);
  EXPECT_EQ(pin.keypad.evdev.device, "/run/portier-keypad");
  EXPECT_EQ(pin.keypad.evdev.delivers, Credential::Kind::Pin) << "a keypad types PINs";
  test::write_file(dir / "c.toml", "[events]\ncard_numbers = \"full\"\n");
  EXPECT_TRUE(load_config(dir / "c.toml", ModelCheck::Skip).pipeline.access.full_card_numbers);
  EXPECT_NE(config_error("[events]\ncard_numbers = \"last4\"\n").find("'events.card_numbers' must be one of masked, full"),
            std::string::npos);
}

TEST(ConfigAccess, RefusesAModeItCannotServe) {
  auto e = config_error("[access]\nmode = \"card+face\"\n");
  EXPECT_NE(e.find("'access.mode'"), std::string::npos) << e;
  EXPECT_NE(e.find("needs a card reader"), std::string::npos) << e;
  e = config_error("[access]\nmode = \"face+card\"\n");
  EXPECT_NE(e.find("'access.mode' must be one of face, card, card|face, card+face, face+pin, card+pin"),
            std::string::npos) << e;
  e = config_error("[access]\nmode = \"face+pin\"\n[reader]\ntype = \"evdev\"\ndevice = \"/tmp/f\"\n");
  EXPECT_NE(e.find("'access.mode' \"face+pin\" needs a PIN keypad: set [keypad] type and device"), std::string::npos)
      << e;
  e = config_error("[access]\nmode = \"card+pin\"\n[keypad]\ntype = \"evdev\"\ndevice = \"/tmp/k\"\n");
  EXPECT_NE(e.find("needs a card reader"), std::string::npos) << e;
  e = config_error("[keypad]\ntype = \"evdev\"\n");
  EXPECT_NE(e.find("'keypad.device' is required with keypad.type = \"evdev\""), std::string::npos) << e;
  e = config_error("[access]\nauth_timeout_s = 0\n");
  EXPECT_NE(e.find("'access.auth_timeout_s' must be between 1 and 120"), std::string::npos) << e;
}

TEST(ConfigAccess, ReadsAndBoundsTheLockout) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "[lockout]\nattempts = 3\nwindow_s = 20\nduration_s = 60\nunknown_faces = true\n");
  const auto lo = load_config(dir / "c.toml", ModelCheck::Skip).pipeline.access.lockout;
  EXPECT_EQ(lo.attempts, 3);
  EXPECT_EQ(lo.window, std::chrono::seconds(20));
  EXPECT_EQ(lo.duration, std::chrono::seconds(60));
  EXPECT_TRUE(lo.unknown_faces);
  EXPECT_NE(config_error("[lockout]\nduration_s = 0\n").find("'lockout.duration_s' must be between 1 and 3600"),
            std::string::npos);
}

TEST(ConfigAccess, RefusesAReaderWithoutADevice) {
  auto e = config_error("[reader]\ntype = \"evdev\"\n");
  EXPECT_NE(e.find("'reader.device' is required"), std::string::npos) << e;
  e = config_error("[reader]\ndevice = \"/dev/input/event3\"\n");
  EXPECT_NE(e.find("'reader.type' is \"none\""), std::string::npos) << e;
  e = config_error("[reader]\ntype = \"nfc\"\n");
  EXPECT_NE(e.find("'reader.type' must be one of none, evdev, wiegand"), std::string::npos) << e;
  e = config_error("[keypad]\ntype = \"wiegand\"\n");
  EXPECT_NE(e.find("'keypad.type' must be one of none, evdev"), std::string::npos) << e;
}

TEST(ConfigAccess, ReadsAWiegandReaderWhoseKeysServeAsTheKeypad) {
  test::TempDir dir;
  test::write_file(dir / "c.toml",
                   "[access]\nmode = \"card+pin\"\n"
                   "[reader]\ntype = \"wiegand\"\nd0_line = 20\nd1_line = 21\nwiegand_bits = 34\n"
                   "wiegand_number = \"card\"\ncard_format = \"hex\"\ncard_digits = 4\nframe_gap_ms = 40\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_EQ(c.reader.type, ReaderType::Wiegand);
  EXPECT_EQ(c.reader.wiegand.d0_line, 20u);
  EXPECT_EQ(c.reader.wiegand.d1_line, 21u);
  EXPECT_EQ(c.reader.wiegand.format.card_bits, 34);
  EXPECT_TRUE(c.reader.wiegand.format.card_field_only);
  EXPECT_TRUE(c.reader.wiegand.format.hex);
  EXPECT_EQ(c.reader.wiegand.format.card_digits, 4);
  EXPECT_EQ(c.reader.wiegand.format.frame_gap, std::chrono::milliseconds(40));
  EXPECT_EQ(c.keypad.type, ReaderType::None) << "card+pin is served by the Wiegand reader's keys";
}

TEST(ConfigAccess, RefusesAWiegandReaderItCannotWire) {
  auto e = config_error("[reader]\ntype = \"wiegand\"\nd0_line = 20\n");
  EXPECT_NE(e.find("'reader.d1_line' is required with reader.type = \"wiegand\""), std::string::npos) << e;
  e = config_error("[reader]\ntype = \"wiegand\"\nd0_line = 20\nd1_line = 20\n");
  EXPECT_NE(e.find("'reader.d1_line' is line 20, the same as d0_line"), std::string::npos) << e;
  e = config_error("[relay]\ndriver = \"gpio\"\n[gpio]\nrelay_line = 17\n"
                   "[reader]\ntype = \"wiegand\"\nd0_line = 17\nd1_line = 21\n");
  EXPECT_NE(e.find("'reader.d0_line' is line 17, which [gpio] relay_line already uses"), std::string::npos) << e;
  e = config_error("[reader]\ntype = \"wiegand\"\nd0_line = 20\nd1_line = 21\nwiegand_bits = 40\nwiegand_number = \"card\"\n");
  EXPECT_NE(e.find("'reader.wiegand_number' \"card\" needs the 26- or 34-bit format"), std::string::npos) << e;
  e = config_error("[reader]\ntype = \"evdev\"\ndevice = \"/tmp/r\"\nd0_line = 20\n");
  EXPECT_NE(e.find("'reader.d0_line' is a Wiegand setting, but reader.type is \"evdev\""), std::string::npos) << e;
  e = config_error("[reader]\ntype = \"wiegand\"\nd0_line = 20\nd1_line = 21\nwiegand_bits = 8\n");
  EXPECT_NE(e.find("'reader.wiegand_bits' must be between 10 and 64"), std::string::npos) << e;
}

TEST(ConfigAccess, LoadsTheAccessPolicyAndItsZone) {
  test::TempDir dir;
  test::write_file(dir / "policy.json", R"({"profiles": {"day": {"week": {"mon": ["08:00-18:00"]}}},
                                             "groups": {"staff": {"profile": "day"}}})");
  test::write_file(dir / "c.toml", "[access]\npolicy_file = \"" + (dir / "policy.json").string() +
                                       "\"\ntime_zone = \"Europe/Berlin\"\n");
  const Config c = load_config(dir / "c.toml", ModelCheck::Skip);
  ASSERT_TRUE(c.pipeline.access.policy);
  EXPECT_EQ(c.pipeline.access.policy->group_profile.at("staff"), "day");
  ASSERT_TRUE(c.pipeline.access.local_now);
  EXPECT_EQ(c.time_zone, "Europe/Berlin");
  EXPECT_EQ(c.access_policy_file, dir / "policy.json");
}

TEST(ConfigAccess, APolicyFromTheBackendNeedsTheBackendAndGetsAClock) {
  EXPECT_NE(config_error("[backend]\nsync_policy = true\n").find("'backend.sync_policy' needs backend.url"),
            std::string::npos);
  test::TempDir dir;
  test::write_file(dir / "c.toml", "");
  EXPECT_FALSE(load_config(dir / "c.toml", ModelCheck::Skip).pipeline.access.local_now)
      << "no policy, no zone: no clock to tick";
  test::write_file(dir / "c.toml", "[backend]\nurl = \"https://backend.example\"\nca_file = \"/etc/ssl/ca.pem\"\n"
                                   "token_file = \"/etc/portier/token\"\nsync_policy = true\n");
  const auto synced = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_TRUE(synced.backend.https.sync_policy);
  EXPECT_FALSE(synced.pipeline.access.policy) << "it comes later, from the backend";
  EXPECT_TRUE(synced.pipeline.access.local_now) << "and the clock is ready for it";
}

TEST(ConfigAccess, RefusesABadPolicyOrZoneNamingIt) {
  test::TempDir dir;
  auto with_policy = [&](const std::string& json, const std::string& extra = "") {
    test::write_file(dir / "p.json", json);
    return config_error("[access]\npolicy_file = \"" + (dir / "p.json").string() + "\"\n" + extra);
  };
  auto e = with_policy("{\"profiles\": {\"day\": {\"week\": {\"mon\": [\"18:00-08:00\"]}}}}");
  EXPECT_NE(e.find("'access.policy_file'"), std::string::npos) << e;
  EXPECT_NE(e.find("profiles.day.week.mon[0]"), std::string::npos) << e;
  e = with_policy("{\"profiles\": {\"day\": {\"week\": {}}}, \"door\": {\"mode\": \"card+face\"}}");
  EXPECT_NE(e.find("its door mode \"card+face\" needs a card reader"), std::string::npos) << e;
  e = with_policy("{\"profiles\": {\"day\": {\"week\": {}}}}", "time_zone = \"Mars/Olympus\"\n");
  EXPECT_NE(e.find("'access.time_zone'"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown time zone 'Mars/Olympus'"), std::string::npos) << e;
  e = config_error("[access]\npolicy_file = \"" + (dir / "missing.json").string() + "\"\n");
  EXPECT_NE(e.find("cannot read the access policy"), std::string::npos) << e;
}

TEST(ConfigConsole, ReadsListenAndRefusesWhatCannotBeServed) {
  test::TempDir dir;
  test::write_file(dir / "c.toml", "[console]\nenabled = true\nlisten = \"[::]:9443\"\n");
  const auto c = load_config(dir / "c.toml", ModelCheck::Skip);
  EXPECT_TRUE(c.console.enabled);
  EXPECT_EQ(c.console.address, "::");
  EXPECT_EQ(c.console.port, 9443);
  EXPECT_TRUE(c.console.cert_file.empty()) << "self-signed";
  EXPECT_NE(config_error("[console]\nlisten = \"8443\"\n").find("'console.listen' must be ADDRESS:PORT"), std::string::npos);
  EXPECT_NE(config_error("[console]\nlisten = \"0.0.0.0:99999\"\n").find("'console.listen'"), std::string::npos);
  EXPECT_NE(config_error("[console]\ncert_file = \"/etc/c.pem\"\n").find("'console.key_file' goes with"), std::string::npos);
}

TEST(Config, ResolvesTheFlagFirst) {
  EXPECT_EQ(resolve_config_path("/x/y.toml"), "/x/y.toml");
}

}  // namespace
}  // namespace portier
