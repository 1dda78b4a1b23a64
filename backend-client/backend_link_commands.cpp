// The link over MQTT: what a new connection announces, and the signed
// remote commands (docs/protocol.md, "Commands"). BackendLink is in backend_link.h.
#include "backend-client/backend_link.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "backend-client/command_token.h"
#include "backend-client/destinations.h"
#include "backend-client/mqtt_link.h"
#include "backend-client/nonce_store.h"
#include "backend-client/outbox.h"

namespace portier {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void BackendLink::on_connected() {
  // Paho calls this on its own thread, where waiting for an acknowledgement
  // would deadlock: the work goes to the task thread.
  tasks_.post([this] {
    mqtt_->subscribe(topic("commands"));
    if (options_.config.home_assistant.enabled) {
      const HomeAssistantTopics t = ha_topics();
      for (const auto& filter : {t.status(), t.lock_command(), t.face_access_command()}) mqtt_->subscribe(filter);
    }
    if (auto why = mqtt_->publish(topic("system/status"),
                                  status_message(options_.device_id, true, options_.version, outbox_->size()), true,
                                  std::chrono::seconds(5)))
      spdlog::warn("mqtt: status not published: {}", *why);
    publish_state(/*even_if_unchanged=*/true);
    announce_to_home_assistant();
    spdlog::info("mqtt: connected to {}", options_.config.mqtt.url);
  });
  if (auto* mqtt = destinations_.find("mqtt")) mqtt->retry_now();
}

void BackendLink::on_message(const std::string& t, const std::string& payload) {
  if (options_.config.home_assistant.enabled) {
    const HomeAssistantTopics ha = ha_topics();
    // Home Assistant came (back) online: it asks every device to announce again.
    if (t == ha.status()) {
      if (payload == "online") tasks_.post([this] { announce_to_home_assistant(); });
      return;
    }
    if (t == ha.lock_command() || t == ha.face_access_command()) {
      tasks_.post([this, t, payload] { home_assistant_command(t, payload); });
      return;
    }
  }
  if (t != topic("commands")) return;
  tasks_.post([this, payload] { take_command(payload); });
}

void BackendLink::take_command(const std::string& payload) {
  const CommandPolicy policy{options_.device_id, options_.config.mqtt.command_max_age, std::chrono::seconds(30)};
  const std::int64_t now = unix_now();
  auto checked = verify_command(payload, command_key_, policy, now);
  if (auto* refusal = std::get_if<CommandRefusal>(&checked)) {
    refuse(*refusal);
    return;
  }
  const auto& c = std::get<Command>(checked);
  bool first = false;
  try {
    first = nonces_->first_use(c.nonce, c.expires_at, now);
  } catch (const std::exception& e) {
    refuse({std::string("cannot record the nonce, refusing to be safe: ") + e.what(), c.request_id, to_string(c.name)});
    return;
  }
  if (!first) {
    refuse({"replayed command: this nonce (jti) was already used", c.request_id, to_string(c.name)});
    return;
  }
  execute(c);
}

void BackendLink::execute(const Command& c) {
  switch (c.name) {
    case CommandName::Unlock: {
      const auto hold = c.hold.value_or(options_.unlock_hold);
      observed_relay_.pulse(hold);
      store_alert("remote_unlock", fmt::format("request {}: unlocked for {} ms", c.request_id, hold.count()));
      reply(c.request_id, "unlock", true, "");
      break;
    }
    case CommandName::Arm:
    case CommandName::Disarm: {
      const bool armed = c.name == CommandName::Arm;
      set_armed(armed);
      store_alert(armed ? "face_access_armed" : "face_access_disarmed", "request " + c.request_id);
      reply(c.request_id, to_string(c.name), true, "");
      break;
    }
    case CommandName::SyncUsers:
      reply_with(c.request_id, "sync-users", sync_users_now());
      break;
    case CommandName::SyncPolicy:
      reply_with(c.request_id, "sync-policy", sync_policy_now());
      break;
  }
}

template <typename T>
void BackendLink::reply_with(const std::optional<std::string>& request_id, const std::string& command,
                             const std::variant<T, std::string>& result) {
  const auto* why = std::get_if<std::string>(&result);
  reply(request_id, command, why == nullptr, why ? *why : std::string());
}

void BackendLink::reply(const std::optional<std::string>& request_id, const std::string& command, bool ok,
                        const std::string& error) {
  if (!mqtt_) return;
  if (auto why = mqtt_->publish(topic("commands/reply"), command_reply(request_id, command, ok, error), false,
                                std::chrono::seconds(5)))
    spdlog::warn("mqtt: reply to {} not published: {}", request_id.value_or("?"), *why);
}

void BackendLink::refuse(const CommandRefusal& r) {
  spdlog::warn("remote command refused: {}", r.reason);
  store_alert("command_refused", fmt::format("{}{}: {}", r.command.empty() ? "command" : r.command,
                                             r.request_id ? " (request " + *r.request_id + ")" : std::string(), r.reason));
  reply(r.request_id, r.command, false, r.reason);
}

}  // namespace portier
