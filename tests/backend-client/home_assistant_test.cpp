// Home Assistant's discovery payloads, checked against the keys its MQTT
// integration documents for each platform
// (https://www.home-assistant.io/integrations/<platform>.mqtt/): a key it does
// not know makes it refuse the whole entity, a missing required one too.
#include "backend-client/home_assistant.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace portier {
namespace {

using json = nlohmann::json;

// Keys every MQTT entity may carry.
const std::set<std::string> kCommonKeys = {
    "availability",   "availability_mode", "availability_template", "availability_topic", "payload_available",
    "payload_not_available", "device", "enabled_by_default", "encoding", "entity_category", "entity_picture",
    "icon",           "json_attributes_template", "json_attributes_topic", "name", "object_id", "default_entity_id",
    "origin",         "platform", "qos", "unique_id"};

struct Platform {
  std::set<std::string> keys;      // its own, besides the common ones
  std::set<std::string> required;  // of all keys
};
const std::map<std::string, Platform> kPlatforms = {
    {"lock",
     {{"code_format", "command_template", "command_topic", "optimistic", "payload_lock", "payload_open", "payload_reset",
       "payload_unlock", "retain", "state_jammed", "state_locked", "state_locking", "state_open", "state_opening",
       "state_topic", "state_unlocked", "state_unlocking", "value_template"},
      {"command_topic"}}},
    {"binary_sensor",
     {{"device_class", "expire_after", "force_update", "off_delay", "payload_off", "payload_on", "state_topic",
       "value_template"},
      {"state_topic"}}},
    {"event", {{"device_class", "event_types", "state_topic", "value_template"}, {"state_topic", "event_types"}}},
    {"sensor",
     {{"device_class", "expire_after", "force_update", "last_reset_value_template", "options",
       "suggested_display_precision", "state_class", "state_topic", "unit_of_measurement", "value_template"},
      {"state_topic"}}},
    {"switch",
     {{"command_template", "command_topic", "device_class", "optimistic", "payload_off", "payload_on", "retain",
       "state_off", "state_on", "state_topic", "value_template"},
      {"command_topic"}}},
    {"image", {{"content_type", "image_encoding", "image_topic", "url_template", "url_topic"}, {"image_topic"}}},
};
const std::set<std::string> kDeviceKeys = {"configuration_url", "connections", "hw_version", "identifiers", "manufacturer",
                                           "model", "model_id", "name", "serial_number", "suggested_area", "sw_version",
                                           "via_device"};
const std::set<std::string> kAvailabilityKeys = {"payload_available", "payload_not_available", "topic", "value_template"};
const std::set<std::string> kOriginKeys = {"name", "sw_version", "support_url"};

HomeAssistantTopics topics(const std::string& device = "front-door") {
  return {"homeassistant", device, "door/" + device};
}

// Every problem with one entity's config, empty when Home Assistant would take it.
std::vector<std::string> problems(const std::string& platform, const json& config) {
  std::vector<std::string> out;
  const auto& p = kPlatforms.at(platform);
  for (const auto& [key, value] : config.items())
    if (!kCommonKeys.count(key) && !p.keys.count(key)) out.push_back(platform + ": unknown key " + key);
  for (const auto& key : p.required)
    if (!config.contains(key)) out.push_back(platform + ": lacks " + key);
  for (const auto& [key, value] : config["device"].items())
    if (!kDeviceKeys.count(key)) out.push_back("device: unknown key " + key);
  for (const auto& a : config["availability"])
    for (const auto& [key, value] : a.items())
      if (!kAvailabilityKeys.count(key)) out.push_back("availability: unknown key " + key);
  for (const auto& [key, value] : config["origin"].items())
    if (!kOriginKeys.count(key)) out.push_back("origin: unknown key " + key);
  return out;
}

TEST(HomeAssistant, EveryConfigHoldsOnlyTheKeysItsPlatformDocuments) {
  const auto t = topics();
  const auto configs = home_assistant_configs(t, "1.2.3");
  ASSERT_EQ(configs.size(), 6u);
  std::set<std::string> platforms, unique_ids;
  for (const auto& m : configs) {
    // <prefix>/<component>/<node_id>/<object_id>/config
    const auto first = m.topic.find('/'), second = m.topic.find('/', first + 1);
    const std::string platform = m.topic.substr(first + 1, second - first - 1);
    ASSERT_TRUE(kPlatforms.count(platform)) << m.topic;
    platforms.insert(platform);
    EXPECT_EQ(m.topic.rfind("homeassistant/" + platform + "/portier_front-door/", 0), 0u) << m.topic;
    const json config = json::parse(m.payload);
    EXPECT_EQ(problems(platform, config), std::vector<std::string>{}) << m.payload;
    EXPECT_TRUE(unique_ids.insert(config["unique_id"].get<std::string>()).second) << "unique ids are unique";
    EXPECT_EQ(config["device"]["identifiers"], json::array({"portier_front-door"})) << "one device for all";
    EXPECT_EQ(config["availability"][0]["topic"], "door/front-door/system/status");
  }
  EXPECT_EQ(platforms, (std::set<std::string>{"lock", "binary_sensor", "event", "sensor", "switch", "image"}));
  EXPECT_EQ(t.config_topics().size(), configs.size());
}

TEST(HomeAssistant, TheEntitiesReadTheDoorsOwnTopics) {
  const auto configs = home_assistant_configs(topics(), "1.2.3");
  std::map<std::string, json> by_platform;
  for (const auto& m : configs) by_platform[m.topic.substr(14, m.topic.find('/', 14) - 14)] = json::parse(m.payload);
  const auto& lock = by_platform["lock"];
  EXPECT_EQ(lock["state_topic"], "door/front-door/state");
  EXPECT_EQ(lock["command_topic"], "door/front-door/homeassistant/lock/set");
  EXPECT_EQ(lock["payload_open"], "OPEN");
  EXPECT_EQ(by_platform["binary_sensor"]["device_class"], "door");
  const auto types = by_platform["event"]["event_types"];
  EXPECT_EQ(types.size(), std::size(kAllVerdicts));
  EXPECT_NE(std::find(types.begin(), types.end(), "denied_spoof"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "granted"), types.end());
  EXPECT_EQ(by_platform["sensor"]["state_topic"], "door/front-door/homeassistant/last_user");
  EXPECT_EQ(by_platform["switch"]["command_topic"], "door/front-door/homeassistant/face_access/set");
  EXPECT_EQ(by_platform["switch"]["state_on"], "armed");
  EXPECT_EQ(by_platform["image"]["image_topic"], "door/front-door/homeassistant/last_face");
  EXPECT_EQ(by_platform["image"]["content_type"], "image/jpeg");
}

TEST(HomeAssistant, ADeviceIdWithADotBecomesAnIdHomeAssistantTakes) {
  const auto t = topics("hall.2");
  EXPECT_EQ(t.node_id(), "portier_hall_2");
  for (const auto& topic : t.config_topics()) EXPECT_NE(topic.find("/portier_hall_2/"), std::string::npos) << topic;
  EXPECT_EQ(t.lock_command(), "door/hall.2/homeassistant/lock/set") << "the device's own topics keep its id";
}

TEST(HomeAssistant, AnEventCarriesItsTypeUserAndScores) {
  AccessEvent e;
  e.id = "e-1";
  e.result = Verdict::Granted;
  e.user_name = "ann";
  e.distance = 0.25f;
  e.liveness_score = 0.9;
  auto j = json::parse(home_assistant_event(e));
  EXPECT_EQ(j["event_type"], "granted");
  EXPECT_EQ(j["user"], "ann");
  EXPECT_NEAR(j["distance"].get<double>(), 0.25, 1e-6);
  EXPECT_NEAR(j["liveness"].get<double>(), 0.9, 1e-9);
  e.result = Verdict::DeniedUnknown;
  e.user_name.reset();
  e.distance.reset();
  j = json::parse(home_assistant_event(e));
  EXPECT_EQ(j["event_type"], "denied_unknown");
  EXPECT_TRUE(j["user"].is_null());
  EXPECT_TRUE(j["distance"].is_null());
}

TEST(HomeAssistant, CommandsAreTheDocumentedPayloadsOnTheirOwnTopicsOnly) {
  const auto t = topics();
  using C = HomeAssistantCommand;
  auto command = [&](const std::string& topic, const std::string& payload) {
    auto p = parse_home_assistant_command(t, topic, payload);
    return std::holds_alternative<C>(p) ? std::optional(std::get<C>(p)) : std::nullopt;
  };
  EXPECT_EQ(command(t.lock_command(), "OPEN"), C::Open);
  EXPECT_EQ(command(t.lock_command(), "UNLOCK"), C::Unlock);
  EXPECT_EQ(command(t.lock_command(), "LOCK"), C::Lock);
  EXPECT_EQ(command(t.face_access_command(), "ON"), C::Arm);
  EXPECT_EQ(command(t.face_access_command(), "OFF"), C::Disarm);
  EXPECT_FALSE(command(t.lock_command(), "open"));
  EXPECT_FALSE(command(t.face_access_command(), "OPEN"));
  EXPECT_FALSE(command("door/front-door/commands", "OPEN"));
  const auto refused = parse_home_assistant_command(t, t.lock_command(), std::string(100, 'x'));
  ASSERT_TRUE(std::holds_alternative<std::string>(refused));
  EXPECT_LT(std::get<std::string>(refused).size(), 100u) << "a long payload is cut in the error";
}

}  // namespace
}  // namespace portier
