// portier backend status | test | flush | sync-users | sync-policy: what an installer runs
// to see that events reach the backend, and to hand over a backlog by hand.
#include <cstdio>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/command_context.h"
#include "backend-client/backend_link.h"
#include "backend-client/https_client.h"
#include "backend-client/outbox.h"
#include "backend-client/user_sync.h"
#include "hal/simulated_relay.h"

namespace portier {
namespace {

Config backend_config(const std::string& config_flag) {
  Config c = prepare(config_flag, ModelCheck::Skip);
  if (!c.backend.enabled())
    throw CommandError(kExitBadInput, "no backend configured: set backend.url and/or mqtt.url in " + c.file.string());
  // backend.sync_users makes the service pull the users when it starts. These
  // commands are about delivery: only `backend sync-users` touches the gallery.
  c.backend.https.sync_users = false;
  c.backend.https.sync_policy = false;
  return c;
}

int status(const std::string& config_flag) {
  const Config c = backend_config(config_flag);
  const auto sinks = c.backend.sinks();
  Outbox outbox(c.backend.outbox.path, sinks, c.backend.outbox.max_events);
  std::printf("outbox     %s: %lld events waiting (cap %lld)\n", outbox.file().c_str(),
              static_cast<long long>(outbox.size()), static_cast<long long>(outbox.max_events()));
  for (const auto& s : sinks)
    std::printf("  %-8s %lld not yet delivered\n", s.c_str(), static_cast<long long>(outbox.backlog(s)));
  return kExitOk;
}

// Waits for the outbox to empty, reporting where it is stuck if it does not.
int wait_delivered(BackendLink& link, std::chrono::seconds timeout) {
  if (link.drain(timeout)) {
    std::printf("delivered  every event\n");
    return kExitOk;
  }
  const auto h = link.health();
  std::printf("not delivered: %lld events stay in the outbox%s%s\n", static_cast<long long>(h.outbox),
              h.https_error.empty() ? "" : ("; https: " + h.https_error).c_str(),
              h.mqtt_error.empty() ? "" : ("; mqtt: " + h.mqtt_error).c_str());
  return kExitFailure;
}

int test(const std::string& config_flag, int count, int interval_ms, int timeout_s) {
  const Config c = backend_config(config_flag);
  SimulatedRelay relay;
  auto link = open_backend_link(c, relay, nullptr);
  link->start();
  for (int i = 1; i <= count; ++i) {
    const auto event = make_alert_event(c.device_id, "test", fmt::format("test event {} of {}", i, count));
    link->publish(event);
    std::printf("%s\n", event.id.c_str());  // one id a line: what the receiver should see
    std::fflush(stdout);
    if (interval_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  // Events the full outbox refused were never stored: "every event" would
  // be a lie, whatever the backend got.
  const auto refused = link->health().refused;
  const int code = wait_delivered(*link, std::chrono::seconds(timeout_s));
  link->stop();
  if (refused > 0) {
    std::printf("refused    %llu of %d test events: the outbox was full (cap %lld, outbox.max_events)\n",
                static_cast<unsigned long long>(refused), count, static_cast<long long>(c.backend.outbox.max_events));
    return kExitFailure;
  }
  return code;
}

int flush(const std::string& config_flag, int timeout_s) {
  const Config c = backend_config(config_flag);
  SimulatedRelay relay;
  auto link = open_backend_link(c, relay, nullptr);
  link->start();
  const int code = wait_delivered(*link, std::chrono::seconds(timeout_s));
  link->stop();
  return code;
}

// Both syncs run through the link, as the service syncs: a failure also
// stores its alert (user_sync_failed, policy_sync_failed), and the command
// waits for that to be delivered.
template <typename T>
T sync_through_link(const Config& c, int timeout_s, const std::string& what, const char* on_failure,
                    std::variant<T, std::string> (BackendLink::*sync_now)()) {
  if (c.backend.https.url.empty()) throw CommandError(kExitBadInput, what + " needs backend.url");
  SimulatedRelay relay;
  auto link = open_backend_link(c, relay, nullptr);
  link->start();
  auto result = ((*link).*sync_now)();
  link->drain(std::chrono::seconds(timeout_s));
  link->stop();
  if (auto* why = std::get_if<std::string>(&result))
    throw CommandError(kExitFailure, what + " failed, " + on_failure + ": " + *why);
  return std::get<T>(result);
}

int sync(const std::string& config_flag, int timeout_s) {
  const Config c = backend_config(config_flag);
  const size_t users =
      sync_through_link<size_t>(c, timeout_s, "user sync", "the gallery is unchanged", &BackendLink::sync_users_now);
  std::printf("synced     %zu users into %s\n", users, c.gallery_path.c_str());
  return kExitOk;
}

int pull_policy(const std::string& config_flag, int timeout_s) {
  const Config c = backend_config(config_flag);
  const auto r = sync_through_link<PolicySyncResult>(c, timeout_s, "policy sync", "the policy in force stands",
                                                     &BackendLink::sync_policy_now);
  std::printf("%s  access policy version %s in %s\n", r.changed ? "synced   " : "unchanged", r.version.empty() ? "none" : r.version.c_str(),
              c.gallery_path.c_str());
  return kExitOk;
}

}  // namespace

void add_backend_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("backend", "Check and operate the link to the backend");
  cmd->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  auto count = std::make_shared<int>(1);
  auto interval = std::make_shared<int>(0);
  auto timeout = std::make_shared<int>(30);

  auto* st = cmd->add_subcommand("status", "What waits in the outbox, per destination (no network)");
  st->add_option("--config", *config, "Config file");
  st->callback([&exit_code, config] { exit_code = guarded([&] { return status(*config); }); });

  auto* t = cmd->add_subcommand("test", "Send test events through the outbox and wait until they are delivered");
  t->add_option("--config", *config, "Config file");
  t->add_option("--count", *count, "Events to send")->check(CLI::Range(1, 1000000))->capture_default_str();
  t->add_option("--interval-ms", *interval, "Pause between events")->check(CLI::Range(0, 60000))->capture_default_str();
  t->add_option("--timeout", *timeout, "Seconds to wait for delivery")->check(CLI::Range(1, 86400))->capture_default_str();
  t->callback([&exit_code, config, count, interval, timeout] {
    exit_code = guarded([&] { return test(*config, *count, *interval, *timeout); });
  });

  auto* f = cmd->add_subcommand("flush", "Deliver what waits in the outbox, then exit");
  f->add_option("--config", *config, "Config file");
  f->add_option("--timeout", *timeout, "Seconds to wait for delivery")->check(CLI::Range(1, 86400))->capture_default_str();
  f->callback([&exit_code, config, timeout] { exit_code = guarded([&] { return flush(*config, *timeout); }); });

  auto* s = cmd->add_subcommand("sync-users", "Replace the gallery with the backend's users now");
  s->add_option("--config", *config, "Config file");
  s->add_option("--timeout", *timeout, "Seconds to wait for a failure's alert to be delivered")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  s->callback([&exit_code, config, timeout] { exit_code = guarded([&] { return sync(*config, *timeout); }); });

  auto* p = cmd->add_subcommand("sync-policy", "Fetch the backend's access policy now (the service applies it within a second)");
  p->add_option("--config", *config, "Config file");
  p->add_option("--timeout", *timeout, "Seconds to wait for a failure's alert to be delivered")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  p->callback([&exit_code, config, timeout] { exit_code = guarded([&] { return pull_policy(*config, *timeout); }); });
}

}  // namespace portier
