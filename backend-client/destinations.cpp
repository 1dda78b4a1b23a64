#include "backend-client/destinations.h"

#include <fmt/format.h>

#include "backend-client/mqtt_link.h"
#include "backend-client/protocol.h"

namespace portier {

void Destinations::start() {
  for (auto& d : all_) d->start();
}

void Destinations::stop() {
  for (auto& d : all_) d->stop();
}

void Destinations::wake() {
  for (auto& d : all_) d->wake();
}

EventForwarder* Destinations::find(std::string_view sink) const {
  for (const auto& d : all_)
    if (d->sink() == sink) return d.get();
  return nullptr;
}

std::unique_ptr<EventForwarder> https_destination(Outbox& outbox, const BackendConfig& config, const std::string& device_id,
                                                  const HttpsOptions& https) {
  auto client = std::make_shared<HttpsClient>(https);
  auto send = [client, device_id, timeout = config.https.timeout](const std::vector<OutboxRow>& batch)
      -> std::variant<size_t, std::string> {
    std::vector<std::string> bodies;
    for (const auto& row : batch) bodies.push_back(row.body);
    auto answer = client->post_json("/api/events", events_request(device_id, bodies), timeout, kMaxMessageBytes);
    if (auto* why = std::get_if<std::string>(&answer)) return *why;
    const auto& r = std::get<HttpResponse>(answer);
    if (r.status == 401 || r.status == 403)
      return fmt::format("the backend refused this device's token (HTTP {}): check backend.token_file", r.status);
    if (r.status < 200 || r.status >= 300) return fmt::format("POST /api/events answered HTTP {}", r.status);
    if (auto bad = check_events_reply(r.body, batch.size())) return "POST /api/events: " + *bad;
    return batch.size();
  };
  return std::make_unique<EventForwarder>(outbox, "http", config.outbox.batch_size, std::move(send), config.outbox.retry_base,
                                          config.outbox.retry_cap);
}

std::unique_ptr<EventForwarder> mqtt_destination(Outbox& outbox, const BackendConfig& config, MqttLink& mqtt,
                                                 const std::string& prefix) {
  auto send = [&mqtt, prefix](const std::vector<OutboxRow>& batch) -> std::variant<size_t, std::string> {
    std::vector<std::pair<std::string, std::string>> messages;
    for (const auto& row : batch) messages.emplace_back(prefix + (row.kind == "alert" ? "/alerts" : "/access"), row.body);
    std::string error;
    const size_t done = mqtt.publish_in_order(messages, std::chrono::seconds(10), &error);
    if (done == 0) return error.empty() ? std::string("nothing acknowledged by the broker") : error;
    return done;
  };
  return std::make_unique<EventForwarder>(outbox, "mqtt", config.outbox.batch_size, std::move(send), config.outbox.retry_base,
                                          config.outbox.retry_cap);
}

}  // namespace portier
