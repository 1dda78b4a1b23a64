#include "backend-client/backend_link.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "access/atomic_file.h"
#include "access/face_access_state.h"
#include "access/time_format.h"
#include "backend-client/command_token.h"
#include "backend-client/event_forwarder.h"
#include "backend-client/home_assistant.h"
#include "backend-client/https_client.h"
#include "backend-client/mqtt_link.h"
#include "backend-client/nonce_store.h"
#include "backend-client/outbox.h"
#include "backend-client/secret_file.h"
#include "backend-client/user_sync.h"

namespace portier {
namespace {

constexpr std::int64_t kAlertReserve = 16;  // room past the cap for outbox_full itself
// Present while Home Assistant holds this device's discovery configs: turning
// the integration off then removes its entities once.
const char* kHomeAssistantFile = "homeassistant-discovery";

std::string read_secret_or_throw(const char* key, const std::filesystem::path& file) {
  auto secret = read_secret(file);
  if (auto* why = std::get_if<std::string>(&secret)) throw BackendError(std::string(key) + ": " + *why);
  return std::get<Secret>(secret).value;
}

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

BackendLink::BackendLink(BackendLinkOptions options, Relay& relay, EventSink* echo)
    : options_(std::move(options)),
      observed_relay_(relay, [this](std::chrono::milliseconds hold) { unlocked_for(hold); }),
      echo_(echo) {
  const auto& c = options_.config;
  if (!c.mqtt.command_key_file.empty()) command_key_ = read_secret_or_throw("mqtt.command_key_file", c.mqtt.command_key_file);

  // Face access survives a restart: a door disarmed for the night stays so.
  gate_.set_armed(load_face_access(options_.state_dir));

  try {
    outbox_ = std::make_unique<Outbox>(c.outbox.path, c.sinks(), c.outbox.max_events);
    nonces_ = std::make_unique<NonceStore>(c.outbox.path);
    overflowing_.store(outbox_->overflow().refused > 0, std::memory_order_relaxed);
  } catch (const std::exception& e) {
    throw BackendError(std::string("outbox.path: ") + e.what());
  }

  if (!c.https.url.empty()) {
    auto options = https_options(c.https);
    if (auto* why = std::get_if<std::string>(&options)) throw BackendError(*why);
    const auto& https = std::get<HttpsOptions>(options);
    verify_client_ = std::make_unique<HttpsClient>(https);
    sync_client_ = std::make_unique<HttpsClient>(https);
    auto client = std::make_shared<HttpsClient>(https);  // the sender's own: a client serves one thread
    http_sender_ = std::make_unique<EventForwarder>(
        *outbox_, "http", c.outbox.batch_size,
        [client, device = options_.device_id, timeout = c.https.timeout](const std::vector<OutboxRow>& batch)
            -> std::variant<size_t, std::string> {
          std::vector<std::string> bodies;
          for (const auto& row : batch) bodies.push_back(row.body);
          auto answer = client->post_json("/api/events", events_request(device, bodies), timeout, kMaxMessageBytes);
          if (auto* why = std::get_if<std::string>(&answer)) return *why;
          const auto& r = std::get<HttpResponse>(answer);
          if (r.status == 401 || r.status == 403)
            return fmt::format("the backend refused this device's token (HTTP {}): check backend.token_file", r.status);
          if (r.status < 200 || r.status >= 300) return fmt::format("POST /api/events answered HTTP {}", r.status);
          if (auto bad = check_events_reply(r.body, batch.size())) return "POST /api/events: " + *bad;
          return batch.size();
        },
        c.outbox.retry_base, c.outbox.retry_cap);
  }
  if (!c.mqtt.url.empty()) {
    MqttOptions m = mqtt_options(c.mqtt);
    m.will_topic = topic("system/status");
    m.will_payload = status_message(options_.device_id, false, options_.version, 0);
    mqtt_ = std::make_unique<MqttLink>(
        std::move(m), MqttLink::Handlers{[this] { on_connected(); },
                                         [](const std::string& why) { spdlog::warn("mqtt: {}; reconnecting", why); },
                                         [this](const std::string& t, const std::string& p) { on_message(t, p); }});
    mqtt_sender_ = std::make_unique<EventForwarder>(
        *outbox_, "mqtt", c.outbox.batch_size,
        [this](const std::vector<OutboxRow>& batch) -> std::variant<size_t, std::string> {
          std::vector<std::pair<std::string, std::string>> messages;
          for (const auto& row : batch) messages.emplace_back(topic(row.kind == "alert" ? "alerts" : "access"), row.body);
          std::string error;
          const size_t done = mqtt_->publish_in_order(messages, std::chrono::seconds(10), &error);
          if (done == 0) return error.empty() ? std::string("nothing acknowledged by the broker") : error;
          return done;
        },
        c.outbox.retry_base, c.outbox.retry_cap);
  }
}

BackendLink::~BackendLink() { stop(); }

std::string BackendLink::topic(const std::string& leaf) const {
  return options_.config.mqtt.topic_prefix + "/" + options_.device_id + "/" + leaf;
}

void BackendLink::start() {
  if (started_) return;
  started_ = true;
  tasks_.start();
  watch_overflow();
  if (http_sender_) http_sender_->start();
  if (mqtt_sender_) mqtt_sender_->start();
  if (mqtt_) mqtt_->start();
  if (options_.config.https.sync_users) tasks_.post([this] { run_sync(std::nullopt); });
  if (options_.config.https.sync_policy) tasks_.post([this] { run_policy_sync(std::nullopt); });
  spdlog::info("backend link: {}{}{}; outbox {} ({} events waiting)", options_.config.https.url.empty() ? "" : "https ",
               options_.config.https.url, options_.config.mqtt.url.empty() ? "" : " and mqtt " + options_.config.mqtt.url,
               outbox_->file().string(), outbox_->size());
}

void BackendLink::stop() {
  if (!started_) return;
  started_ = false;
  if (http_sender_) http_sender_->stop();
  if (mqtt_sender_) mqtt_sender_->stop();
  tasks_.stop();
  // Last, once nothing else can publish: a queued "online" or door state
  // sent after it would leave the retained status saying online.
  if (mqtt_ && mqtt_->connected()) {
    // A clean goodbye: the broker sends the will only when a client vanishes.
    mqtt_->publish(topic("system/status"), status_message(options_.device_id, false, options_.version, 0), true,
                   std::chrono::seconds(2));
  }
  if (mqtt_) mqtt_->stop();
}

void BackendLink::store(const std::string& id, const std::string& kind, const nlohmann::json& event) {
  const std::string body = event.dump();
  Outbox::Append stored = Outbox::Append::Full;
  try {
    stored = outbox_->append(id, kind, body);
  } catch (const std::exception& e) {
    // The journal still has it; the backend will not.
    spdlog::error("outbox: {}; event not stored for the backend: {}", e.what(), body);
    ++refused_;
    return;
  }
  if (stored == Outbox::Append::Full) {
    ++refused_;
    if (!overflowing_.exchange(true, std::memory_order_relaxed)) tasks_.post([this] { watch_overflow(); });
    spdlog::error("outbox full ({} events waiting): event not stored for the backend: {}", outbox_->max_events(), body);
    const auto alert = make_alert_event(
        options_.device_id, "outbox_full",
        fmt::format("the outbox holds {} events, its cap: new events are refused (and logged) until the backend "
                    "takes the backlog",
                    outbox_->max_events()));
    // Stored once per overflow, whichever thread or run gets there first.
    if (outbox_->append_overflow_alert(alert.id, to_json(alert).dump(), kAlertReserve) && echo_) echo_->publish(alert);
  } else {
    end_overflow();
  }
  if (http_sender_) http_sender_->wake();
  if (mqtt_sender_) mqtt_sender_->wake();
}

void BackendLink::end_overflow() {
  // The record is in the outbox file; the flag only spares a query per event.
  if (!overflowing_.load(std::memory_order_relaxed)) return;
  std::optional<AlertEvent> alert;
  const auto refused = outbox_->end_overflow(outbox_->max_events() * 9 / 10, [&](std::int64_t n) {
    alert = make_alert_event(options_.device_id, "outbox_recovered",
                             fmt::format("the outbox has room again; {} events were refused while it was full", n));
    return std::pair(alert->id, to_json(*alert).dump());
  });
  if (!refused) return;
  overflowing_.store(false, std::memory_order_relaxed);
  spdlog::warn("outbox has room again; {} events were refused while it was full", *refused);
  if (echo_) echo_->publish(*alert);
  if (http_sender_) http_sender_->wake();
  if (mqtt_sender_) mqtt_sender_->wake();
}

void BackendLink::watch_overflow() {
  // The service may store no event for a long while after an outage: look
  // for room once a second while an overflow is open.
  end_overflow();
  if (overflowing_.load(std::memory_order_relaxed))
    tasks_.post([this] { watch_overflow(); }, std::chrono::steady_clock::now() + std::chrono::seconds(1));
}

void BackendLink::publish(const AccessEvent& event) {
  if (echo_) echo_->publish(event);
  store(event.id, "access", to_json(event));
  // Home Assistant's copy is a convenience, not the record: best effort, off
  // the act stage's thread. The outbox above is what never loses an event.
  if (mqtt_ && options_.config.home_assistant.enabled)
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

void BackendLink::publish(const AlertEvent& event) {
  if (echo_) echo_->publish(event);
  if (event.alert == "exit_request") unlocked_for(options_.exit_hold);
  store(event.id, "alert", to_json(event));
}

std::variant<RemoteVerdict, std::string> BackendLink::verify(const Decision& d) {
  if (!verify_client_) return std::string("no backend.url");
  VerifyRequest r;
  r.request_id = new_uuid();
  r.device_id = options_.device_id;
  r.track_id = d.track_id;
  r.embedding = d.embedding;
  r.liveness_score = d.liveness;
  r.local_result = to_string(d.verdict);
  r.local_user_id = d.user_id;
  r.local_user_name = d.user_name;
  r.local_distance = d.distance;
  r.time = rfc3339_utc(std::chrono::system_clock::now());
  if (options_.config.https.send_face_jpeg && !d.evidence.empty()) {
    std::vector<unsigned char> jpeg;
    if (cv::imencode(".jpg", d.evidence, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85})) r.face_jpeg_base64 = base64(jpeg);
  }
  std::lock_guard lock(verify_mutex_);
  auto answer = verify_client_->post_json("/api/verify-face", verify_request(r), options_.config.https.verify_timeout,
                                          kMaxMessageBytes);
  if (auto* why = std::get_if<std::string>(&answer)) return *why;
  const auto& response = std::get<HttpResponse>(answer);
  if (response.status != 200) return fmt::format("POST /api/verify-face answered HTTP {}", response.status);
  auto parsed = parse_verify_reply(response.body);
  if (auto* why = std::get_if<std::string>(&parsed)) return "POST /api/verify-face: " + *why;
  const auto& v = std::get<VerifyReply>(parsed);
  return RemoteVerdict{v.access_granted, v.user_id, v.user_name, v.reason};
}

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
  if (mqtt_sender_) mqtt_sender_->retry_now();
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
  tasks_.post([this, payload] {
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
        if (!sync_client_) {
          reply(c.request_id, "sync-users", false, "this device has no backend.url to sync from");
          break;
        }
        run_sync(c.request_id);
        break;
      case CommandName::SyncPolicy:
        if (!sync_client_) {
          reply(c.request_id, "sync-policy", false, "this device has no backend.url to sync from");
          break;
        }
        run_policy_sync(c.request_id);
        break;
    }
  });
}

void BackendLink::store_alert(const std::string& kind, const std::string& detail) {
  const auto alert = make_alert_event(options_.device_id, kind, detail);
  if (echo_) echo_->publish(alert);
  store(alert.id, "alert", to_json(alert));
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

std::variant<size_t, std::string> BackendLink::sync_users_now() {
  if (!sync_client_) return std::string("user sync needs backend.url");
  auto result = sync_users(*sync_client_, options_.gallery_file, options_.config.https.timeout);
  if (auto* why = std::get_if<std::string>(&result)) {
    spdlog::error("user sync failed, the gallery is unchanged: {}", *why);
    store_alert("user_sync_failed", *why);
  } else {
    spdlog::info("user sync: {} users from the backend", std::get<size_t>(result));
  }
  return result;
}

void BackendLink::run_sync(const std::optional<std::string>& request_id) {
  const auto result = sync_users_now();
  const auto* why = std::get_if<std::string>(&result);
  if (request_id) reply(request_id, "sync-users", why == nullptr, why ? *why : std::string());
}

std::variant<PolicySyncResult, std::string> BackendLink::sync_policy_now() {
  if (!sync_client_) return std::string("policy sync needs backend.url");
  auto result = sync_policy(*sync_client_, options_.gallery_file, options_.config.https.timeout, options_.policy_check);
  if (auto* why = std::get_if<std::string>(&result)) {
    spdlog::error("access policy sync failed, the policy in force stands: {}", *why);
    store_alert("policy_sync_failed", *why);
  } else {
    const auto& r = std::get<PolicySyncResult>(result);
    spdlog::info("access policy sync: {} (version {})", r.changed ? "a new policy" : "unchanged",
                 r.version.empty() ? "none" : r.version);
  }
  return result;
}

void BackendLink::run_policy_sync(const std::optional<std::string>& request_id) {
  const auto result = sync_policy_now();
  const auto* why = std::get_if<std::string>(&result);
  if (request_id) reply(request_id, "sync-policy", why == nullptr, why ? *why : std::string());
}

void BackendLink::unlocked_for(std::chrono::milliseconds hold) {
  const auto until = std::chrono::steady_clock::now() + hold;
  {
    std::lock_guard lock(state_mutex_);
    unlocked_until_ = std::max(unlocked_until_, until);
  }
  tasks_.post([this] { publish_state(); });
  tasks_.post([this] { publish_state(); }, until + std::chrono::milliseconds(20));
}

void BackendLink::door_contact(bool open) {
  {
    std::lock_guard lock(state_mutex_);
    door_open_ = open;
  }
  tasks_.post([this] { publish_state(); });
}

void BackendLink::set_armed(bool armed) {
  gate_.set_armed(armed);
  if (auto why = save_face_access(options_.state_dir, armed))
    spdlog::warn("face access {} but not saved: {}", armed ? "armed" : "disarmed", *why);
  // On the task thread, as every other state change: published inline from
  // the console's thread, it could overtake (or be overtaken by) a door
  // contact's publication, and the retained state would end out of date.
  tasks_.post([this] { publish_state(); });
}

void BackendLink::publish_state(bool even_if_unchanged) {
  if (!mqtt_ || !mqtt_->connected()) return;
  DoorState s;
  s.face_access_armed = gate_.armed();
  {
    std::lock_guard lock(state_mutex_);
    s.unlocked = std::chrono::steady_clock::now() < unlocked_until_;
    s.door_open = door_open_;
    if (!even_if_unchanged && published_state_ == s) return;
  }
  if (auto why = mqtt_->publish(topic("state"), door_state_message(options_.device_id, s), true, std::chrono::seconds(5))) {
    spdlog::warn("mqtt: door state not published: {}", *why);
    return;  // not recorded: the next change or connection sends it
  }
  std::lock_guard lock(state_mutex_);
  published_state_ = s;
}

BackendLink::Health BackendLink::health() {
  Health h;
  h.https_configured = http_sender_ != nullptr;
  h.mqtt_configured = mqtt_ != nullptr;
  h.mqtt_connected = mqtt_ && mqtt_->connected();
  h.outbox = outbox_->size();
  h.refused = refused_.load();
  if (http_sender_ && !http_sender_->healthy()) h.https_error = http_sender_->last_error();
  if (mqtt_sender_ && !mqtt_sender_->healthy()) h.mqtt_error = mqtt_sender_->last_error();
  return h;
}

bool BackendLink::drain(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // A backlog that drains ends its overflow here too, so the recovery is
    // delivered with it rather than left for the next event.
    end_overflow();
    if (outbox_->size() == 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace portier
