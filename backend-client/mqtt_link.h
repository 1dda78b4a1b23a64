#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "backend-client/backend_config.h"
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace mqtt {
class async_client;
}

namespace portier {

struct MqttOptions {
  std::string server_uri;  // ssl://host:8883
  std::string client_id;   // stable: the broker keeps this device's session under it
  std::filesystem::path ca_file, cert_file, key_file;  // mutual TLS; the server is always verified
  std::chrono::seconds keepalive{30};
  std::string will_topic, will_payload;  // retained, sent by the broker if we vanish
};

// The options for mqtt.url: the TLS files where the service finds them; no
// last will (the caller adds one if it wants it).
MqttOptions mqtt_options(const MqttConfig& config);

// The broker connection (Paho MQTT C++): TLS with a client certificate,
// a persistent session (clean_session off, so commands sent while the device
// was away wait for it), and automatic reconnects with backoff.
class MqttLink {
 public:
  struct Handlers {
    std::function<void()> connected;                                          // after each (re)connect
    std::function<void(const std::string& why)> lost;
    std::function<void(const std::string& topic, const std::string& payload)> message;
  };
  MqttLink(MqttOptions options, Handlers handlers);
  ~MqttLink();
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  // Starts connecting in the background; returns at once.
  void start();
  void stop();
  bool connected() const { return connected_.load(std::memory_order_acquire); }

  // Publishes and waits for the broker's acknowledgement (QoS 1) up to
  // `timeout`. Returns an error line, or nothing on success.
  std::optional<std::string> publish(const std::string& topic, const std::string& payload, bool retained,
                                     std::chrono::milliseconds timeout);
  // Publishes several (topic, payload) in order and waits for them: how
  // many, from the first, the broker acknowledged (the rest go again).
  size_t publish_in_order(const std::vector<std::pair<std::string, std::string>>& messages,
                          std::chrono::milliseconds timeout, std::string* error);
  void subscribe(const std::string& topic);

 private:
  class Callback;
  void connect_until_up();

  MqttOptions options_;
  Handlers handlers_;
  std::unique_ptr<mqtt::async_client> client_;
  std::unique_ptr<Callback> callback_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  std::thread connector_;
};

}  // namespace portier
