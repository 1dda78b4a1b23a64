// The backend link's settings, read and validated with the rest of the
// config in pipeline/config.cpp. Empty URLs mean "no such link".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace portier {

enum class DecisionMode { Local, Backend };

struct HttpsBackendConfig {
  std::string url;  // https://host[:port]; empty: no HTTPS link
  std::filesystem::path ca_file;
  std::filesystem::path token_file;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds verify_timeout{1500};  // the visitor waits for this one
  bool send_face_jpeg = false;
  bool sync_users = false;  // the backend owns the gallery: pull it at start and on sync-users
  bool sync_policy = false;  // the backend owns the access policy: pull it at start and on sync-policy
};

struct MqttConfig {
  std::string url;  // ssl://host:8883; empty: no MQTT link
  std::filesystem::path ca_file, cert_file, key_file;
  std::string client_id;  // empty: "portier-" + device_id
  std::string topic_prefix = "door";
  std::chrono::seconds keepalive{30};
  std::filesystem::path command_key_file;  // empty: remote commands are refused
  std::chrono::seconds command_max_age{60};
};

struct OutboxConfig {
  std::filesystem::path path;  // empty: outbox.db beside the gallery
  std::int64_t max_events = 100000;
  size_t batch_size = 100;
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds retry_cap{60000};
};

// Home Assistant's MQTT discovery over the same broker (home_assistant.h).
struct HomeAssistantConfig {
  bool enabled = false;
  std::string discovery_prefix = "homeassistant";
  // Home Assistant cannot sign the project's commands: its lock and switch
  // commands are taken only when the installer says so (and restricts their
  // topic to its client by broker ACL).
  bool allow_commands = false;
};

struct BackendConfig {
  DecisionMode mode = DecisionMode::Local;
  HttpsBackendConfig https;
  MqttConfig mqtt;
  OutboxConfig outbox;
  HomeAssistantConfig home_assistant;
  bool enabled() const { return !https.url.empty() || !mqtt.url.empty(); }
  // The outbox's destinations: each must acknowledge an event before it leaves.
  std::vector<std::string> sinks() const {
    std::vector<std::string> s;
    if (!https.url.empty()) s.push_back("http");
    if (!mqtt.url.empty()) s.push_back("mqtt");
    return s;
  }
};

}  // namespace portier
