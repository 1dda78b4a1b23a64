// [models], [camera], [pipeline], [relay] and [gpio]: the machine the door runs on.
#include <algorithm>
#include <set>

#include "app/config_section.h"

namespace portier::config_detail {

std::vector<std::pair<const char*, std::optional<unsigned>>> door_lines(const DoorWiring& door) {
  return {{"relay_line", door.relay},        {"contact_line", door.contact}, {"exit_line", door.exit_button},
          {"green_led_line", door.green_led}, {"red_led_line", door.red_led}, {"buzzer_line", door.buzzer}};
}

void read_models(Section& top, Config& c) {
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
}

void read_camera(Section& top, Config& c) {
  Section camera = top.section("camera");
  camera.string("source", c.camera_source);
  camera.integer("width", c.camera.width, 160, 4096);
  camera.integer("height", c.camera.height, 120, 4096);
  camera.number("fps", c.camera.fps, 1.0, 120.0);
  camera.finish();
}

void read_pipeline(Section& top, Config& c) {
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
}

void read_relay_and_gpio(Section& top, Config& c) {
  Section relay = top.section("relay");
  relay.one_of("driver", c.relay_driver, {{"simulated", RelayDriver::Simulated}, {"gpio", RelayDriver::Gpio}});
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
  std::set<unsigned> used;
  for (const auto& [key, l] : door_lines(c.door))
    if (l && !used.insert(*l).second) gpio.fail(key, "uses line " + std::to_string(*l) + ", which another key already uses");
  gpio.finish();
}

}  // namespace portier::config_detail
