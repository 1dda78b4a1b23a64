#include "backend-client/mqtt_link.h"

#include <mqtt/async_client.h>

#include <spdlog/spdlog.h>

#include "backend-client/secret_file.h"

namespace portier {

class MqttLink::Callback final : public virtual mqtt::callback {
 public:
  explicit Callback(MqttLink& link) : link_(link) {}
  void connected(const std::string&) override {
    link_.connected_.store(true, std::memory_order_release);
    if (link_.handlers_.connected) link_.handlers_.connected();
  }
  void connection_lost(const std::string& cause) override {
    link_.connected_.store(false, std::memory_order_release);
    if (link_.handlers_.lost) link_.handlers_.lost(cause.empty() ? "connection lost" : cause);
  }
  void message_arrived(mqtt::const_message_ptr msg) override {
    if (link_.handlers_.message) link_.handlers_.message(msg->get_topic(), msg->get_payload_str());
  }

 private:
  MqttLink& link_;
};

MqttOptions mqtt_options(const MqttConfig& c) {
  return {c.url, c.client_id, secret_path(c.ca_file), secret_path(c.cert_file), secret_path(c.key_file), c.keepalive, "", ""};
}

MqttLink::MqttLink(MqttOptions options, Handlers handlers)
    : options_(std::move(options)), handlers_(std::move(handlers)) {
  // No Paho persistence: the outbox is the durable store, and resends after
  // a restart come from it.
  client_ = std::make_unique<mqtt::async_client>(options_.server_uri, options_.client_id, mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
  callback_ = std::make_unique<Callback>(*this);
  client_->set_callback(*callback_);
}

MqttLink::~MqttLink() { stop(); }

void MqttLink::start() {
  stopping_.store(false, std::memory_order_release);
  connector_ = std::thread([this] { connect_until_up(); });
}

void MqttLink::connect_until_up() {
  auto ssl = mqtt::ssl_options_builder()
                 .trust_store(options_.ca_file.string())
                 .key_store(options_.cert_file.string())
                 .private_key(options_.key_file.string())
                 .enable_server_cert_auth(true)
                 .verify(true)  // the broker's certificate must name the host we dialled
                 .finalize();
  auto connect = mqtt::connect_options_builder()
                     .clean_session(false)
                     .keep_alive_interval(options_.keepalive)
                     .connect_timeout(std::chrono::seconds(10))
                     .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(30))
                     .max_inflight(256)
                     .ssl(std::move(ssl))
                     .finalize();
  if (!options_.will_topic.empty())
    connect.set_will(mqtt::will_options(options_.will_topic, options_.will_payload, 1, true));
  // Paho reconnects by itself only once a connection has existed: until
  // then, retry here, doubling the wait up to 30 s.
  std::chrono::milliseconds wait(500);
  std::string last_error;
  while (!stopping_.load(std::memory_order_acquire)) {
    try {
      client_->connect(connect)->wait();
      return;  // from here on Paho's automatic reconnect takes over
    } catch (const mqtt::exception& e) {
      const std::string why = e.what();
      if (why != last_error) spdlog::warn("mqtt {}: cannot connect: {}; retrying", options_.server_uri, why);
      last_error = why;
    }
    std::unique_lock lock(stop_mutex_);
    stop_wake_.wait_for(lock, wait, [this] { return stopping_.load(std::memory_order_acquire); });
    wait = std::min<std::chrono::milliseconds>(wait * 2, std::chrono::seconds(30));
  }
}

void MqttLink::stop() {
  if (!client_) return;
  {
    std::lock_guard lock(stop_mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  stop_wake_.notify_all();
  if (connector_.joinable()) connector_.join();
  try {
    if (client_->is_connected()) client_->disconnect(std::chrono::seconds(2))->wait_for(std::chrono::seconds(3));
  } catch (const mqtt::exception&) {
  }
  connected_.store(false, std::memory_order_release);
}

std::optional<std::string> MqttLink::publish(const std::string& topic, const std::string& payload, bool retained,
                                             std::chrono::milliseconds timeout) {
  if (!connected()) return std::string("not connected to ") + options_.server_uri;
  try {
    auto token = client_->publish(topic, payload.data(), payload.size(), 1, retained);
    if (!token->wait_for(timeout)) return std::string("no acknowledgement from the broker in time");
    if (token->get_return_code() != 0) return "broker refused: code " + std::to_string(token->get_return_code());
    return std::nullopt;
  } catch (const mqtt::exception& e) {
    return std::string(e.what());
  }
}

size_t MqttLink::publish_in_order(const std::vector<std::pair<std::string, std::string>>& messages,
                                  std::chrono::milliseconds timeout, std::string* error) {
  if (!connected()) {
    *error = "not connected to " + options_.server_uri;
    return 0;
  }
  std::vector<mqtt::delivery_token_ptr> tokens;
  try {
    for (const auto& [topic, payload] : messages)
      tokens.push_back(client_->publish(topic, payload.data(), payload.size(), 1, false));
  } catch (const mqtt::exception& e) {
    *error = e.what();  // the ones published so far are still waited for below
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t done = 0;
  for (auto& token : tokens) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    try {
      if (left.count() <= 0 || !token->wait_for(left) || token->get_return_code() != 0) {
        if (error->empty()) *error = "no acknowledgement from the broker in time";
        break;
      }
    } catch (const mqtt::exception& e) {
      if (error->empty()) *error = e.what();
      break;
    }
    ++done;
  }
  return done;
}

void MqttLink::subscribe(const std::string& topic) {
  try {
    client_->subscribe(topic, 1);
  } catch (const mqtt::exception& e) {
    spdlog::warn("mqtt subscribe {}: {}", topic, e.what());
  }
}

}  // namespace portier
