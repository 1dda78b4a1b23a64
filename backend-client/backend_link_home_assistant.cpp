// The link's Home Assistant bridge (docs/home-assistant.md): discovery,
// its commands, the last face and user. Best effort: the outbox, not this, is
// the record. BackendLink is in backend_link.h.
#include "backend-client/backend_link.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "access/atomic_file.h"
#include "backend-client/mqtt_link.h"

namespace portier {
namespace {

// Present while Home Assistant holds this device's discovery configs: turning
// the integration off then removes its entities once.
const char* kHomeAssistantFile = "homeassistant-discovery";

}  // namespace

void BackendLink::forward_to_home_assistant(const AccessEvent& event) {
  // Best effort, off the act stage's thread: the outbox is what never loses an event.
  if (!mqtt_ || !options_.config.home_assistant.enabled) return;
  tasks_.post([this, payload = home_assistant_event(event), granted = event.result == Verdict::Granted,
               user = event.user_name.value_or("")] {
    if (!mqtt_->connected()) return;
    const HomeAssistantTopics t = ha_topics();
    if (auto why = mqtt_->publish(t.event(), payload, false, std::chrono::seconds(5)))
      spdlog::warn("mqtt: Home Assistant event not published: {}", *why);
    if (granted && !user.empty()) (void)mqtt_->publish(t.last_user(), user, true, std::chrono::seconds(5));
  });
}

void BackendLink::publish_face(std::string_view jpeg) {
  if (!mqtt_ || !options_.config.home_assistant.enabled || jpeg.empty()) return;
  tasks_.post([this, face = std::string(jpeg)] {
    if (!mqtt_->connected()) return;
    if (auto why = mqtt_->publish(ha_topics().last_face(), face, true, std::chrono::seconds(5)))
      spdlog::warn("mqtt: Home Assistant face not published: {}", *why);
  });
}

HomeAssistantTopics BackendLink::ha_topics() const {
  return {options_.config.home_assistant.discovery_prefix, options_.device_id,
          options_.config.mqtt.topic_prefix + "/" + options_.device_id};
}

void BackendLink::announce_to_home_assistant() {
  const auto marker = options_.state_dir / kHomeAssistantFile;
  const HomeAssistantTopics t = ha_topics();
  if (!options_.config.home_assistant.enabled) {
    // Turned off: its entities go, once (an empty retained config removes one).
    std::error_code ec;
    if (!std::filesystem::exists(marker, ec)) return;
    // The retained face and last user go with them: nobody should find a
    // visitor's face on the broker after Home Assistant was turned off.
    auto retained = t.config_topics();
    retained.push_back(t.last_face());
    retained.push_back(t.last_user());
    for (const auto& topic : retained)
      if (auto why = mqtt_->publish(topic, "", true, std::chrono::seconds(5))) {
        spdlog::warn("mqtt: Home Assistant entity not removed: {}", *why);
        return;  // the marker stays: the next connection tries again
      }
    std::filesystem::remove(marker, ec);
    spdlog::info("mqtt: Home Assistant entities removed (homeassistant.enabled is off)");
    return;
  }
  for (const auto& m : home_assistant_configs(t, options_.version))
    if (auto why = mqtt_->publish(m.topic, m.payload, true, std::chrono::seconds(5))) {
      spdlog::warn("mqtt: Home Assistant discovery not published: {}", *why);
      return;
    }
  if (auto why = write_file_atomically(marker, "published\n"))
    spdlog::warn("mqtt: Home Assistant discovery published but not recorded: {}", *why);
}

void BackendLink::home_assistant_command(const std::string& topic, const std::string& payload) {
  const auto parsed = parse_home_assistant_command(ha_topics(), topic, payload);
  if (const auto* why = std::get_if<std::string>(&parsed)) {
    refuse({*why, std::nullopt, "homeassistant"});
    return;
  }
  const auto command = std::get<HomeAssistantCommand>(parsed);
  if (!options_.config.home_assistant.allow_commands) {
    refuse({std::string("Home Assistant's ") + to_string(command) + " command: homeassistant.allow_commands is off",
            std::nullopt, "homeassistant"});
    return;
  }
  switch (command) {
    case HomeAssistantCommand::Unlock:
    case HomeAssistantCommand::Open:
      observed_relay_.pulse(options_.unlock_hold);
      store_alert("remote_unlock", fmt::format("homeassistant: unlocked for {} ms", options_.unlock_hold.count()));
      break;
    case HomeAssistantCommand::Lock:
      // A strike locks again by itself when the pulse ends: nothing to do
      // but tell Home Assistant where the lock stands.
      publish_state(/*even_if_unchanged=*/true);
      break;
    case HomeAssistantCommand::Arm:
    case HomeAssistantCommand::Disarm: {
      const bool armed = command == HomeAssistantCommand::Arm;
      set_armed(armed);
      store_alert(armed ? "face_access_armed" : "face_access_disarmed", "homeassistant");
      break;
    }
  }
}

}  // namespace portier
