// The link's façade: construction, start and stop, events into the outbox
// (and its overflow), verify-face, health. The other jobs are files of their
// own: backend_link_commands.cpp (MQTT connection and signed commands),
// backend_link_home_assistant.cpp, backend_link_state.cpp (the door state),
// backend_link_sync.cpp (users and policy), destinations.cpp (the senders).
#include "backend-client/backend_link.h"

#include <openssl/evp.h>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <spdlog/spdlog.h>

#include "access/face_access_state.h"
#include "access/time_format.h"
#include "backend-client/destinations.h"
#include "backend-client/https_client.h"
#include "backend-client/mqtt_link.h"
#include "backend-client/nonce_store.h"
#include "backend-client/outbox.h"
#include "backend-client/secret_file.h"

namespace portier {
namespace {

constexpr std::int64_t kAlertReserve = 16;  // room past the cap for outbox_full itself

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

}  // namespace

BackendLink::BackendLink(BackendLinkOptions options, Relay& relay, EventSink* echo)
    : options_(std::move(options)),
      door_state_(options_.door_state ? *options_.door_state : own_door_state_),
      observed_relay_(relay, [this](std::chrono::milliseconds hold) { door_state_.unlocked_for(hold); }),
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
    destinations_.add(https_destination(*outbox_, c, options_.device_id, https));
  }
  if (!c.mqtt.url.empty()) {
    MqttOptions m = mqtt_options(c.mqtt);
    m.will_topic = topic("system/status");
    m.will_payload = status_message(options_.device_id, false, options_.version, 0);
    mqtt_ = std::make_unique<MqttLink>(
        std::move(m), MqttLink::Handlers{[this] { on_connected(); },
                                         [](const std::string& why) { spdlog::warn("mqtt: {}; reconnecting", why); },
                                         [this](const std::string& t, const std::string& p) { on_message(t, p); }});
    destinations_.add(mqtt_destination(*outbox_, c, *mqtt_, c.mqtt.topic_prefix + "/" + options_.device_id));
  }
  door_state_.listen([this](std::optional<DoorState::Clock::time_point> relocks_at) { on_door_change(relocks_at); });
}

BackendLink::~BackendLink() {
  door_state_.listen({});  // the door state outlives the link
  stop();
}

std::string BackendLink::topic(const std::string& leaf) const {
  return options_.config.mqtt.topic_prefix + "/" + options_.device_id + "/" + leaf;
}

void BackendLink::start() {
  if (started_) return;
  started_ = true;
  tasks_.start();
  watch_overflow();
  destinations_.start();
  if (mqtt_) mqtt_->start();
  if (options_.config.https.sync_users) tasks_.post([this] { (void)sync_users_now(); });
  if (options_.config.https.sync_policy) tasks_.post([this] { (void)sync_policy_now(); });
  spdlog::info("backend link: {}{}{}; outbox {} ({} events waiting)", options_.config.https.url.empty() ? "" : "https ",
               options_.config.https.url, options_.config.mqtt.url.empty() ? "" : " and mqtt " + options_.config.mqtt.url,
               outbox_->file().string(), outbox_->size());
}

void BackendLink::stop() {
  if (!started_) return;
  started_ = false;
  destinations_.stop();
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
  destinations_.wake();
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
  destinations_.wake();
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
  // Home Assistant's copy is a convenience, not the record.
  forward_to_home_assistant(event);
}

void BackendLink::publish(const AlertEvent& event) {
  if (echo_) echo_->publish(event);
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

void BackendLink::store_alert(const std::string& kind, const std::string& detail) {
  const auto alert = make_alert_event(options_.device_id, kind, detail);
  if (echo_) echo_->publish(alert);
  store(alert.id, "alert", to_json(alert));
}

BackendLink::Health BackendLink::health() {
  Health h;
  const EventForwarder* http = destinations_.find("http");
  const EventForwarder* mqtt = destinations_.find("mqtt");
  h.https_configured = http != nullptr;
  h.mqtt_configured = mqtt_ != nullptr;
  h.mqtt_connected = mqtt_ && mqtt_->connected();
  h.outbox = outbox_->size();
  h.refused = refused_.load();
  if (http && !http->healthy()) h.https_error = http->last_error();
  if (mqtt && !mqtt->healthy()) h.mqtt_error = mqtt->last_error();
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
