// Home Assistant's MQTT discovery (docs/home-assistant.md): the door as one
// device with a lock (the strike), the door contact, an event entity for the
// access decisions, the last user let in, the last decision's face and the
// face-access switch. What is
// published and what Home Assistant may send, as values; BackendLink does the
// publishing on its broker connection.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "access/access_event.h"
#include "backend-client/backend_config.h"

namespace portier {

// Where one device's entities live.
class HomeAssistantTopics {
 public:
  // `device_root`: the device's own topics ("door/<device_id>").
  HomeAssistantTopics(std::string discovery_prefix, std::string device_id, std::string device_root);

  std::string status() const { return prefix_ + "/status"; }  // Home Assistant's birth and will
  std::string lock_command() const { return root_ + "/homeassistant/lock/set"; }
  std::string face_access_command() const { return root_ + "/homeassistant/face_access/set"; }
  std::string event() const { return root_ + "/homeassistant/event"; }
  std::string last_user() const { return root_ + "/homeassistant/last_user"; }
  std::string last_face() const { return root_ + "/homeassistant/last_face"; }  // a JPEG, retained
  // The discovery config topic of each entity, in publishing order.
  std::vector<std::string> config_topics() const;

  const std::string& node_id() const { return node_; }
  const std::string& device_id() const { return device_id_; }
  const std::string& root() const { return root_; }

 private:
  std::string prefix_, device_id_, root_;
  std::string node_;  // the device id as Home Assistant allows ids: [A-Za-z0-9_-]
};

struct RetainedMessage {
  std::string topic, payload;
};
// The retained discovery configs, one per entity. Availability follows the
// device's retained system/status; the lock, contact and switch read the
// retained door state (docs/protocol.md).
std::vector<RetainedMessage> home_assistant_configs(const HomeAssistantTopics& topics, const std::string& version);

// One decision for the event entity: {"event_type": <result>, "user", "distance", "liveness", "credentials", "mode"}.
std::string home_assistant_event(const AccessEvent& event);

enum class HomeAssistantCommand { Lock, Unlock, Open, Arm, Disarm };
const char* to_string(HomeAssistantCommand command);
// A message on one of the command topics; or what is wrong with it.
std::variant<HomeAssistantCommand, std::string> parse_home_assistant_command(const HomeAssistantTopics& topics,
                                                                             const std::string& topic,
                                                                             const std::string& payload);

}  // namespace portier
