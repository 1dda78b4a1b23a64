#include "backend-client/home_assistant.h"

#include <nlohmann/json.hpp>

namespace portier {

using json = nlohmann::json;

HomeAssistantTopics::HomeAssistantTopics(std::string discovery_prefix, std::string device_id, std::string device_root)
    : prefix_(std::move(discovery_prefix)), device_id_(std::move(device_id)), root_(std::move(device_root)) {
  // Device ids may hold '.', which Home Assistant's node and object ids may not.
  node_ = "portier_" + device_id_;
  for (auto& c : node_)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
}

namespace {

// Components and object ids, in publishing order.
constexpr std::pair<const char*, const char*> kEntities[] = {
    {"lock", "lock"},           {"binary_sensor", "door"},   {"event", "access"},
    {"sensor", "last_user"},    {"switch", "face_access"},   {"image", "last_face"},
};

}  // namespace

std::vector<std::string> HomeAssistantTopics::config_topics() const {
  std::vector<std::string> out;
  for (const auto& [component, object] : kEntities) out.push_back(prefix_ + "/" + component + "/" + node_ + "/" + object + "/config");
  return out;
}

std::vector<RetainedMessage> home_assistant_configs(const HomeAssistantTopics& t, const std::string& version) {
  const json device = {{"identifiers", json::array({t.node_id()})},
                       {"name", "portier " + t.device_id()},
                       {"manufacturer", "portier"},
                       {"model", "face door"},
                       {"sw_version", version}};
  // Availability is the device's own retained status (online, or the broker's
  // last will saying offline).
  const json availability = json::array({{{"topic", t.root() + "/system/status"},
                                          {"value_template", "{{ value_json.status }}"},
                                          {"payload_available", "online"},
                                          {"payload_not_available", "offline"}}});
  const std::string state = t.root() + "/state";
  auto base = [&](const std::string& object, const std::string& name) {
    return json{{"name", name},
                {"unique_id", t.node_id() + "_" + object},
                {"device", device},
                {"availability", availability},
                {"origin", {{"name", "portier"}, {"sw_version", version}}}};
  };

  json lock = base("lock", "Door");
  lock["state_topic"] = state;
  lock["value_template"] = "{{ value_json.lock }}";
  lock["state_locked"] = "locked";
  lock["state_unlocked"] = "unlocked";
  lock["command_topic"] = t.lock_command();
  lock["payload_lock"] = "LOCK";
  lock["payload_unlock"] = "UNLOCK";
  lock["payload_open"] = "OPEN";
  lock["optimistic"] = false;

  json door = base("door", "Door contact");
  door["device_class"] = "door";
  door["state_topic"] = state;
  // No contact wired: the state says "unknown", and "None" is Home Assistant's unknown.
  door["value_template"] = "{% if value_json.door in ['open', 'closed'] %}{{ value_json.door }}{% else %}None{% endif %}";
  door["payload_on"] = "open";
  door["payload_off"] = "closed";

  json event = base("access", "Access");
  event["state_topic"] = t.event();
  json types = json::array();
  for (const auto v : kAllVerdicts) types.push_back(to_string(v));
  event["event_types"] = types;

  json last_user = base("last_user", "Last user let in");
  last_user["state_topic"] = t.last_user();
  last_user["icon"] = "mdi:account-check";

  json face_access = base("face_access", "Face access");
  face_access["state_topic"] = state;
  face_access["value_template"] = "{{ value_json.face_access }}";
  face_access["state_on"] = "armed";
  face_access["state_off"] = "disarmed";
  face_access["command_topic"] = t.face_access_command();
  face_access["payload_on"] = "ON";
  face_access["payload_off"] = "OFF";
  face_access["icon"] = "mdi:face-recognition";

  // The face of the last decision, as the console's access log keeps it
  // (events.keep_faces): a small JPEG, retained on its own topic.
  json last_face = base("last_face", "Last face at the door");
  last_face["image_topic"] = t.last_face();
  last_face["content_type"] = "image/jpeg";

  const auto topics = t.config_topics();
  const json configs[] = {lock, door, event, last_user, face_access, last_face};
  std::vector<RetainedMessage> out;
  for (size_t i = 0; i < topics.size(); ++i) out.push_back({topics[i], configs[i].dump()});
  return out;
}

std::string home_assistant_event(const AccessEvent& e) {
  return json{{"event_type", to_string(e.result)},
              {"user", e.user_name ? json(*e.user_name) : json(nullptr)},
              {"distance", e.distance ? json(*e.distance) : json(nullptr)},
              {"liveness", e.liveness_score ? json(*e.liveness_score) : json(nullptr)},
              {"credentials", e.credentials},
              {"mode", e.mode},
              {"id", e.id}}
      .dump();
}

const char* to_string(HomeAssistantCommand command) {
  switch (command) {
    case HomeAssistantCommand::Lock: return "lock";
    case HomeAssistantCommand::Unlock: return "unlock";
    case HomeAssistantCommand::Open: return "open";
    case HomeAssistantCommand::Arm: return "arm";
    case HomeAssistantCommand::Disarm: return "disarm";
  }
  return "?";
}

std::variant<HomeAssistantCommand, std::string> parse_home_assistant_command(const HomeAssistantTopics& t,
                                                                             const std::string& topic,
                                                                             const std::string& payload) {
  const std::string shown = payload.size() > 32 ? payload.substr(0, 32) + "..." : payload;
  if (topic == t.lock_command()) {
    if (payload == "LOCK") return HomeAssistantCommand::Lock;
    if (payload == "UNLOCK") return HomeAssistantCommand::Unlock;
    if (payload == "OPEN") return HomeAssistantCommand::Open;
    return "lock command must be LOCK, UNLOCK or OPEN, got \"" + shown + "\"";
  }
  if (topic == t.face_access_command()) {
    if (payload == "ON") return HomeAssistantCommand::Arm;
    if (payload == "OFF") return HomeAssistantCommand::Disarm;
    return "face access command must be ON or OFF, got \"" + shown + "\"";
  }
  return "not a Home Assistant command topic: " + topic;
}

}  // namespace portier
