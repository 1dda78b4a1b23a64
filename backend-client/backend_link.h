// The device's link to its backend (docs/protocol.md). Every event goes to
// the durable outbox first; one sender per destination (HTTPS POST
// /api/events, MQTT) drains it in order, so nothing is lost to a broker
// restart, a backend outage or a kill. Over MQTT it also keeps the retained
// status and door state current and takes signed commands (unlock, arm,
// disarm, sync-users). In decision mode "backend" it asks POST
// /api/verify-face before the door opens.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "access/access_event.h"
#include "access/remote_verifier.h"
#include "backend-client/backend_config.h"
#include "backend-client/command_token.h"
#include "backend-client/destinations.h"
#include "backend-client/home_assistant.h"
#include "backend-client/protocol.h"
#include "backend-client/task_thread.h"
#include "backend-client/policy_sync.h"
#include "hal/door_state.h"
#include "hal/observed_relay.h"

namespace portier {

class HttpsClient;
class MqttLink;
class NonceStore;
class Outbox;

struct BackendError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BackendLinkOptions {
  std::string device_id;
  std::string version;
  BackendConfig config;
  std::filesystem::path gallery_file;
  std::filesystem::path state_dir;               // where face-access (armed/disarmed) is kept
  std::chrono::milliseconds unlock_hold{3000};   // a remote unlock without hold_ms
  PolicyCheck policy_check;                      // what this device can serve (its readers)
  // The door's state, which the link publishes (retained) on every change:
  // borrowed, the service's, which the console shows too; null: the link
  // keeps one of its own. It must outlive the link.
  DoorState* door_state = nullptr;
};

class BackendLink final : public EventSink, public RemoteVerifier {
 public:
  // Reads the secrets and opens the outbox; throws BackendError naming the
  // file that is missing or unreadable. `echo` also gets every event (the
  // JSON lines on stdout); it may be null.
  BackendLink(BackendLinkOptions options, Relay& relay, EventSink* echo);
  ~BackendLink() override;
  BackendLink(const BackendLink&) = delete;
  BackendLink& operator=(const BackendLink&) = delete;

  void start();  // senders, MQTT connection, the first user sync: all in the background
  // Publishes "offline", stops the senders; undelivered events stay in the
  // outbox for the next start.
  void stop();

  // Give the pipeline this relay, not the raw one: it reports the lock state.
  Relay& relay() { return observed_relay_; }
  AccessGate& gate() { return gate_; }
  void door_contact(bool open) { door_state_.set_door_open(open); }  // from the GPIO door, when a contact is wired
  // Arms or disarms face access (a signed command, Home Assistant, the
  // console): kept across restarts, published as the door state.
  void set_armed(bool armed);

  void publish(const AccessEvent& event) override;
  void publish(const AlertEvent& event) override;
  // Home Assistant's image entity: the last decision's face (a JPEG), retained.
  // Best effort, off the caller's thread; nothing without Home Assistant.
  void publish_face(std::string_view jpeg);
  std::variant<RemoteVerdict, std::string> verify(const Decision& decision) override;

  struct Health {
    bool mqtt_configured = false, mqtt_connected = false, https_configured = false;
    std::int64_t outbox = 0;           // events some destination still lacks
    std::uint64_t refused = 0;         // events the full outbox could not take
    std::string https_error, mqtt_error;
  };
  Health health();
  // GET /api/users now, replacing the gallery (start-up and the sync-users
  // command do the same). A failure leaves the gallery as it was and stores a
  // user_sync_failed alert. Returns the user count or why it failed.
  std::variant<size_t, std::string> sync_users_now();
  // GET /api/access-policy into the gallery (the act stage picks it up);
  // a refused document stores a policy_sync_failed alert.
  std::variant<PolicySyncResult, std::string> sync_policy_now();
  // Blocks until the outbox is empty or `timeout` passes; true if it emptied.
  bool drain(std::chrono::milliseconds timeout);
  std::string topic(const std::string& leaf) const;

 private:
  void store(const std::string& id, const std::string& kind, const nlohmann::json& event);
  void store_alert(const std::string& kind, const std::string& detail);
  void end_overflow();    // stores outbox_recovered once the backlog is below 90% of the cap
  void watch_overflow();  // end_overflow() now and every second while an overflow is open
  // Over MQTT (backend_link_commands.cpp).
  void on_connected();
  void on_message(const std::string& topic, const std::string& payload);
  void take_command(const std::string& payload);  // checks the signature, the age and the nonce
  void execute(const Command& command);
  // Home Assistant (backend_link_home_assistant.cpp).
  void forward_to_home_assistant(const AccessEvent& event);
  HomeAssistantTopics ha_topics() const;
  // The discovery configs (or, when turned off after being on, their removal).
  void announce_to_home_assistant();
  void home_assistant_command(const std::string& topic, const std::string& payload);
  void reply(const std::optional<std::string>& request_id, const std::string& command, bool ok, const std::string& error);
  template <typename T>
  void reply_with(const std::optional<std::string>& request_id, const std::string& command,
                  const std::variant<T, std::string>& result);
  void refuse(const CommandRefusal& refusal);
  // The door state (backend_link_state.cpp). The retained door state, when it differs from the last one published
  // (a relay held through office hours is renewed every minute, unchanged),
  // or always (a new connection).
  void publish_state(bool even_if_unchanged = false);
  // Posts publish_state on every change of the door state, and again when the strike locks.
  void on_door_change(std::optional<DoorState::Clock::time_point> relocks_at);
  // Users and policy (backend_link_sync.cpp): what the log and the alert say when one fails.
  struct SyncJob {
    const char* what;        // "user sync"
    const char* on_failure;  // "the gallery is unchanged"
    const char* alert;       // "user_sync_failed"
  };
  template <typename T, typename Pull>
  std::variant<T, std::string> run_sync(const SyncJob& job, Pull&& pull);

  BackendLinkOptions options_;
  DoorState own_door_state_;  // used only without options_.door_state
  DoorState& door_state_;
  ObservedRelay observed_relay_;  // every pulse, whoever asks, extends door_state_
  EventSink* echo_;
  AccessGate gate_;
  std::string command_key_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<NonceStore> nonces_;
  std::unique_ptr<MqttLink> mqtt_;
  Destinations destinations_;  // after mqtt_ and outbox_, which the senders use
  std::unique_ptr<HttpsClient> verify_client_, sync_client_;
  std::mutex verify_mutex_;  // the act stage is the one caller; the lock is cheap insurance

  std::optional<DoorStateMessage> published_state_;  // the task thread's alone

  std::atomic<bool> overflowing_{false};  // the outbox records an overflow not yet ended
  std::atomic<std::uint64_t> refused_{0};

  TaskThread tasks_{"backend link"};  // slow or timed work, and every door-state publication, in order
  bool started_ = false;
};

}  // namespace portier
