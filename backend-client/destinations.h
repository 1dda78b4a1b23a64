// Where events go: one sender (EventForwarder) per destination, each
// draining the same outbox in order at its own pace. Two kinds exist:
// "http" (POST /api/events) and "mqtt" (the access and alerts topics). A
// new kind is one more factory here and one more name in
// BackendConfig::sinks() (docs/layers.md, "An event destination").
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backend-client/backend_config.h"
#include "backend-client/event_forwarder.h"
#include "backend-client/https_client.h"

namespace portier {

class MqttLink;
class Outbox;

// The table of destinations, so that starting, waking and stopping them is
// one loop wherever it happens.
class Destinations {
 public:
  void add(std::unique_ptr<EventForwarder> destination) { all_.push_back(std::move(destination)); }
  void start();
  void stop();  // each returns once its thread has ended; undelivered events stay in the outbox
  void wake();  // a new event is in the outbox
  // The destination of that name ("http", "mqtt"), or null when not configured.
  EventForwarder* find(std::string_view sink) const;

 private:
  std::vector<std::unique_ptr<EventForwarder>> all_;
};

// POST /api/events with its own client (a client serves one thread).
std::unique_ptr<EventForwarder> https_destination(Outbox& outbox, const BackendConfig& config, const std::string& device_id,
                                                  const HttpsOptions& https);
// Publishes each event, in order, on `prefix`/access or `prefix`/alerts
// (prefix: "<topic_prefix>/<device id>"); `mqtt` must outlive the sender.
std::unique_ptr<EventForwarder> mqtt_destination(Outbox& outbox, const BackendConfig& config, MqttLink& mqtt,
                                                 const std::string& prefix);

}  // namespace portier
