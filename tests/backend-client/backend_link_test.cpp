// The backend link against a real mosquitto (mutual TLS) and a real HTTPS
// backend: delivery, order, faults, commands and refusals. Events are
// counted by their ids.
#include "backend-client/backend_link.h"

#include <gtest/gtest.h>

#include <set>

#include "access/gallery.h"
#include "backend-client/command_token.h"
#include "hal/simulated_relay.h"
#include "tests/backend-client/fixtures.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
using test::TestSubscriber;

const std::string kToken = "token-for-test-door";
const std::string kKey = "0123456789abcdef0123456789abcdef0123456789abcdef";

struct Rig {
  test::TempDir dir;
  test::Pki pki{dir};
  test::MosquittoBroker broker{pki, dir};
  test::TestBackend backend{pki, kToken};

  Rig() {
    test::write_file(dir / "token", kToken + "\n");
    test::write_file(dir / "command-key", kKey + "\n");
    broker.start();
    backend.start();
  }

  BackendLinkOptions options(bool https = true, bool mqtt = true) {
    BackendLinkOptions o;
    o.device_id = "test-door";
    o.version = "test";
    o.gallery_file = dir / "gallery.db";
    o.state_dir = dir.path();
    o.unlock_hold = 2000ms;
    auto& c = o.config;
    if (https) c.https = {backend.url(), pki.file("ca.pem"), dir / "token", 2000ms, 5000ms, 1000ms, false, false};
    if (mqtt) {
      c.mqtt.url = broker.url();
      c.mqtt.ca_file = pki.file("ca.pem");
      c.mqtt.cert_file = pki.file("client.pem");
      c.mqtt.key_file = pki.file("client.key");
      c.mqtt.client_id = "portier-test-door";
      c.mqtt.command_key_file = dir / "command-key";
    }
    c.outbox.path = dir / "outbox.db";
    c.outbox.retry_base = 50ms;
    c.outbox.retry_cap = 1000ms;
    return o;
  }

  std::unique_ptr<TestSubscriber> subscriber(const std::string& filter = "door/test-door/#") {
    auto s = std::make_unique<TestSubscriber>(pki, broker.url(), "watcher-" + std::to_string(test::free_port()));
    std::string error;
    EXPECT_TRUE(s->connect(filter, &error)) << error;
    return s;
  }
};

AlertEvent test_event(int n) { return make_alert_event("test-door", "test", "event " + std::to_string(n)); }

// Publishes n test events 5 ms apart, calling fault(i) before the i-th; their ids in order.
std::vector<std::string> stream(BackendLink& link, int n, const std::function<void(int)>& fault) {
  std::vector<std::string> sent;
  for (int i = 0; i < n; ++i) {
    fault(i);
    const auto e = test_event(i);
    link.publish(e);
    sent.push_back(e.id);
    std::this_thread::sleep_for(5ms);
  }
  return sent;
}

// The ids that reached a topic, in first-arrival order, and whether their
// sequence numbers rose in that order.
std::vector<std::string> first_arrivals(const std::vector<TestSubscriber::Message>& messages, bool* ordered) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::int64_t last = 0;
  *ordered = true;
  for (const auto& m : messages) {
    const auto j = nlohmann::json::parse(m.payload);
    if (!seen.insert(j["id"].get<std::string>()).second) continue;
    ids.push_back(j["id"]);
    if (j["seq"].get<std::int64_t>() <= last) *ordered = false;
    last = j["seq"];
  }
  return ids;
}

std::vector<std::string> backend_first_arrivals(const test::TestBackend& backend, bool* ordered) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::int64_t last = 0;
  *ordered = true;
  for (const auto& e : backend.events()) {
    if (!seen.insert(e.id).second) continue;
    ids.push_back(e.id);
    if (e.seq <= last) *ordered = false;
    last = e.seq;
  }
  return ids;
}

TEST(BackendLink, DeliversEveryEventToTheBrokerAndTheBackendInOrder) {
  Rig rig;
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  BackendLink link(rig.options(), relay, nullptr);
  link.start();
  std::vector<std::string> sent;
  for (int i = 0; i < 50; ++i) {
    const auto e = test_event(i);
    link.publish(e);
    sent.push_back(e.id);
  }
  ASSERT_TRUE(link.drain(20s)) << link.health().mqtt_error << link.health().https_error;
  ASSERT_TRUE(watcher->wait([](auto& m) { return m.size() >= 50; }, 10s));
  bool ordered = false;
  EXPECT_EQ(first_arrivals(watcher->on("door/test-door/alerts"), &ordered), sent);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(backend_first_arrivals(rig.backend, &ordered), sent);
  EXPECT_TRUE(ordered);
  const auto status = watcher->on("door/test-door/system/status");
  ASSERT_FALSE(status.empty());
  EXPECT_EQ(nlohmann::json::parse(status.back().payload)["status"], "online");
  link.stop();
  ASSERT_TRUE(watcher->wait([](auto& m) {
    return !m.empty() && m.back().topic == "door/test-door/system/status" &&
           nlohmann::json::parse(m.back().payload)["status"] == "offline";
  }, 5s)) << "a clean stop says offline";
}

TEST(BackendLink, ABrokerRestartInAStreamOf500LosesNothing) {
  Rig rig;
  auto watcher = rig.subscriber("door/test-door/alerts");
  SimulatedRelay relay;
  BackendLink link(rig.options(false, true), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
  const auto sent = stream(link, 500, [&](int i) {
    if (i == 150) rig.broker.stop();
    if (i == 350) rig.broker.start();
  });
  ASSERT_TRUE(link.drain(60s)) << link.health().mqtt_error;
  ASSERT_TRUE(watcher->wait([&](auto& m) {
    bool ordered;
    return first_arrivals(m, &ordered).size() >= sent.size();
  }, 30s)) << "got " << watcher->messages().size();
  bool ordered = false;
  EXPECT_EQ(first_arrivals(watcher->messages(), &ordered), sent) << "every id, once first, in order";
  EXPECT_TRUE(ordered);
}

TEST(BackendLink, ABackendOutageLosesNothingAndKeepsTheOrder) {
  Rig rig;
  SimulatedRelay relay;
  BackendLink link(rig.options(true, false), relay, nullptr);
  link.start();
  const auto sent = stream(link, 300, [&](int i) {
    if (i == 50) rig.backend.stop();
    if (i == 250) rig.backend.start();
  });
  ASSERT_TRUE(link.drain(60s)) << link.health().https_error;
  bool ordered = false;
  EXPECT_EQ(backend_first_arrivals(rig.backend, &ordered), sent);
  EXPECT_TRUE(ordered);
}

TEST(BackendLink, ErrorsAndGarbageFromTheBackendKeepEventsInTheOutbox) {
  Rig rig;
  SimulatedRelay relay;
  BackendLink link(rig.options(true, false), relay, nullptr);
  rig.backend.fail_events_with(503);
  link.start();
  const auto e = test_event(1);
  link.publish(e);
  ASSERT_TRUE(test::eventually([&] { return link.health().https_error.find("HTTP 503") != std::string::npos; }, 5s));
  EXPECT_EQ(link.health().outbox, 1);
  rig.backend.fail_events_with(0);
  rig.backend.garbage_events_reply(true);
  ASSERT_TRUE(test::eventually([&] { return link.health().https_error.find("not JSON") != std::string::npos; }, 5s))
      << link.health().https_error;
  EXPECT_EQ(link.health().outbox, 1) << "a reply we cannot read acknowledges nothing";
  rig.backend.garbage_events_reply(false);
  ASSERT_TRUE(link.drain(10s));
  ASSERT_FALSE(rig.backend.events().empty());
  EXPECT_EQ(rig.backend.events().back().id, e.id);
}

TEST(BackendLink, AWrongTokenIsReportedAndNothingIsLost) {
  Rig rig;
  test::write_file(rig.dir / "token", "not-the-token");
  SimulatedRelay relay;
  BackendLink link(rig.options(true, false), relay, nullptr);
  link.start();
  link.publish(test_event(1));
  ASSERT_TRUE(test::eventually([&] { return link.health().https_error.find("refused this device's token") != std::string::npos; }, 5s));
  EXPECT_EQ(link.health().outbox, 1);
  EXPECT_GE(rig.backend.unauthorised(), 1);
}

TEST(BackendLink, AFullOutboxRefusesLoudlyAndRecovers) {
  Rig rig;
  rig.backend.stop();
  auto options = rig.options(true, false);
  options.config.outbox.max_events = 100;
  SimulatedRelay relay;
  BackendLink link(options, relay, nullptr);
  link.start();
  for (int i = 0; i < 120; ++i) link.publish(test_event(i));
  EXPECT_EQ(link.health().refused, 20u);
  EXPECT_EQ(link.health().outbox, 101) << "100 events and the outbox_full alert";
  rig.backend.start();
  ASSERT_TRUE(link.drain(30s));
  link.publish(test_event(999));  // the first event with room again also reports the recovery
  ASSERT_TRUE(link.drain(10s));
  std::vector<std::string> alerts;
  for (const auto& e : rig.backend.events())
    if (e.event.value("alert", "") != "test") alerts.push_back(e.event["alert"]);
  EXPECT_EQ(alerts, (std::vector<std::string>{"outbox_full", "outbox_recovered"}));
}

std::string command(const std::string& name, const std::string& nonce, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json claims{{"command", name},
                        {"request_id", "req-" + nonce},
                        {"jti", nonce},
                        {"aud", "test-door"},
                        {"iat", std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count()}};
  claims.update(extra);
  return sign_command(claims, kKey);
}

std::vector<nlohmann::json> replies(const TestSubscriber& s) {
  std::vector<nlohmann::json> out;
  for (const auto& m : s.on("door/test-door/commands/reply")) out.push_back(nlohmann::json::parse(m.payload));
  return out;
}

TEST(BackendLinkState, TheRetainedDoorStateIsSentOnChangeNotOnEveryPulse) {
  Rig rig;
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  BackendLink link(rig.options(), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
  auto locks = [&] {
    std::vector<std::string> out;
    for (const auto& m : watcher->on("door/test-door/state")) out.push_back(nlohmann::json::parse(m.payload)["lock"]);
    return out;
  };
  ASSERT_TRUE(test::eventually([&] { return locks().size() >= 1; }, 5s)) << "sent on connect";
  // Office hours renew the hold before it runs out: the door stays unlocked throughout.
  link.relay().pulse(1500ms);
  std::this_thread::sleep_for(300ms);
  link.relay().pulse(1500ms);
  ASSERT_TRUE(test::eventually([&] { return locks().size() >= 3; }, 5s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(locks(), (std::vector<std::string>{"locked", "unlocked", "locked"}));
}

TEST(BackendLinkCommands, ASignedUnlockOpensTheDoorOnceAndAReplayOrAForgeryDoesNot) {
  Rig rig;
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  BackendLink link(rig.options(), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
  std::this_thread::sleep_for(300ms);  // the subscription to commands is made on connect

  const std::string unlock = command("unlock", "nonce-aaaa-0001", {{"hold_ms", 1500}});
  watcher->publish("door/test-door/commands", unlock);
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 1; }, 5s));
  EXPECT_EQ(replies(*watcher)[0]["ok"], true);
  EXPECT_EQ(replies(*watcher)[0]["request_id"], "req-nonce-aaaa-0001");
  ASSERT_EQ(relay.pulses().size(), 1u);
  EXPECT_EQ(relay.pulses()[0].hold, 1500ms);
  ASSERT_TRUE(watcher->wait([](auto& m) {
    for (auto& x : m)
      if (x.topic == "door/test-door/state" && nlohmann::json::parse(x.payload)["lock"] == "unlocked") return true;
    return false;
  }, 5s)) << "the retained door state says unlocked";

  watcher->publish("door/test-door/commands", unlock);  // the same token again
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 2; }, 5s));
  EXPECT_EQ(replies(*watcher)[1]["ok"], false);
  EXPECT_NE(replies(*watcher)[1]["error"].get<std::string>().find("replayed"), std::string::npos);

  nlohmann::json forged_claims{{"command", "unlock"}, {"request_id", "evil"}, {"jti", "nonce-evil-0001"}, {"aud", "test-door"},
                               {"iat", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()}};
  watcher->publish("door/test-door/commands", sign_command(forged_claims, "a key the attacker guessed"));
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 3; }, 5s));
  EXPECT_EQ(replies(*watcher)[2]["ok"], false);
  EXPECT_EQ(replies(*watcher)[2]["request_id"], "evil");

  watcher->publish("door/test-door/commands", std::string(70 * 1024, 'x'));
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 4; }, 5s));
  EXPECT_NE(replies(*watcher)[3]["error"].get<std::string>().find("over the 65536 byte limit"), std::string::npos);

  EXPECT_EQ(relay.pulses().size(), 1u) << "only the genuine unlock opened the door";
  ASSERT_TRUE(link.drain(10s));
  int refused = 0, unlocked = 0;
  for (const auto& e : rig.backend.events()) {
    refused += e.event.value("alert", "") == "command_refused";
    unlocked += e.event.value("alert", "") == "remote_unlock";
  }
  EXPECT_EQ(refused, 3) << "each refusal raises an alert";
  EXPECT_EQ(unlocked, 1);
}

TEST(BackendLinkCommands, DisarmKeepsFacesOutUntilArmedAgainAcrossARestart) {
  Rig rig;
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  {
    BackendLink link(rig.options(), relay, nullptr);
    link.start();
    ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
    std::this_thread::sleep_for(300ms);
    watcher->publish("door/test-door/commands", command("disarm", "nonce-disarm-01"));
    ASSERT_TRUE(test::eventually([&] { return !link.gate().armed(); }, 5s));
    ASSERT_TRUE(watcher->wait([](auto& m) {
      for (auto& x : m)
        if (x.topic == "door/test-door/state" && nlohmann::json::parse(x.payload)["face_access"] == "disarmed") return true;
      return false;
    }, 5s)) << "the retained door state says so";
    link.stop();
  }
  BackendLink again(rig.options(), relay, nullptr);
  EXPECT_FALSE(again.gate().armed()) << "disarmed survives a restart";
  again.start();
  ASSERT_TRUE(test::eventually([&] { return again.health().mqtt_connected; }, 10s));
  std::this_thread::sleep_for(300ms);
  watcher->publish("door/test-door/commands", command("arm", "nonce-arm-0001"));
  ASSERT_TRUE(test::eventually([&] { return again.gate().armed(); }, 5s));
}

std::string users_body(const std::vector<std::string>& names) {
  nlohmann::json users = nlohmann::json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<float> e(kEmbeddingSize, 0.01f * static_cast<float>(i + 1));
    users.push_back({{"id", "u" + std::to_string(i)}, {"name", names[i]}, {"embeddings", {e}}});
  }
  return nlohmann::json{{"users", users}}.dump();
}

TEST(BackendLinkCommands, SyncUsersReplacesTheGalleryAndABadListLeavesItAlone) {
  Rig rig;
  {
    Gallery g(rig.dir / "gallery.db");
    g.enroll("local-only", {{Embedding{}, "x.jpg"}});
  }
  rig.backend.users_reply(200, users_body({"ann", "bo"}));
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  BackendLink link(rig.options(), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
  std::this_thread::sleep_for(300ms);
  watcher->publish("door/test-door/commands", command("sync-users", "nonce-sync-0001"));
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 1; }, 10s));
  EXPECT_EQ(replies(*watcher)[0]["ok"], true) << replies(*watcher)[0].dump();
  {
    Gallery g(rig.dir / "gallery.db");
    const auto users = g.users();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[0].name, "ann");
    EXPECT_EQ(users[0].external_id, "u0");
  }
  rig.backend.users_reply(200, R"({"users": [{"id": "u9", "name": "half", "embeddings": [[1, 2]]}]})");
  watcher->publish("door/test-door/commands", command("sync-users", "nonce-sync-0002"));
  ASSERT_TRUE(test::eventually([&] { return replies(*watcher).size() >= 2; }, 10s));
  EXPECT_EQ(replies(*watcher)[1]["ok"], false);
  EXPECT_NE(replies(*watcher)[1]["error"].get<std::string>().find("must hold 128 numbers"), std::string::npos);
  Gallery g(rig.dir / "gallery.db");
  EXPECT_EQ(g.users().size(), 2u) << "a failed sync leaves the gallery as it was";
}

TEST(BackendLinkCommands, SyncedUsersBringTheirCardsPinsGroupsAndModes) {
  Rig rig;
  const auto hash = hash_pin("2468", minimal_pin_cost());
  nlohmann::json users = nlohmann::json::parse(users_body({"ann", "bo"}));
  users["users"][0]["cards"] = {"0004567123", "beef01"};
  users["users"][0]["groups"] = {"staff"};
  users["users"][0]["pin_hash"] = hash;
  users["users"][0]["mode"] = "card+pin";
  rig.backend.users_reply(200, users.dump());
  SimulatedRelay relay;
  BackendLink link(rig.options(), relay, nullptr);
  const auto synced = link.sync_users_now();
  ASSERT_TRUE(std::holds_alternative<size_t>(synced)) << std::get<std::string>(synced);
  {
    Gallery g(rig.dir / "gallery.db");
    EXPECT_EQ(g.cards_of("ann"), (std::vector<std::string>{"0004567123", "BEEF01"})) << "hex as the reader types it";
    EXPECT_EQ(g.groups_of("ann"), std::vector<std::string>{"staff"});
    EXPECT_TRUE(g.pin_status("ann").pin);
    EXPECT_FALSE(g.pin_status("bo").pin);
    EXPECT_EQ(g.load_directory().pins.size(), 1u);
    EXPECT_TRUE(g.cards_of("bo").empty());
    EXPECT_EQ(g.mode_of("ann"), VerificationMode::CardAndPin);
    EXPECT_EQ(g.mode_of("bo"), std::nullopt);
  }
  // The same card for two people is refused whole, naming both.
  users["users"][1]["cards"] = {"0004567123"};
  rig.backend.users_reply(200, users.dump());
  const auto refused = link.sync_users_now();
  ASSERT_TRUE(std::holds_alternative<std::string>(refused));
  EXPECT_NE(std::get<std::string>(refused).find("card 0004567123 also belongs to 'ann'"), std::string::npos)
      << std::get<std::string>(refused);
  Gallery g(rig.dir / "gallery.db");
  EXPECT_EQ(g.cards_of("ann").size(), 2u) << "a refused list changes nothing";
}

TEST(BackendLinkPolicy, ThePolicyIsKeptWithItsETagAnd304ChangesNothing) {
  Rig rig;
  const std::string v1 = R"({"version": "v1", "profiles": {"day": {"week": {"mon": ["08:00-18:00"]}}},
                               "groups": {"staff": {"profile": "day"}}})";
  rig.backend.policy_reply(200, v1, "\"p-1\"");
  SimulatedRelay relay;
  auto options = rig.options();
  options.policy_check = [](const AccessPolicy& p) -> std::optional<std::string> {
    if (p.door_mode) return std::string("its door mode needs a card reader");
    return std::nullopt;
  };
  BackendLink link(options, relay, nullptr);
  auto r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<PolicySyncResult>(r)) << std::get<std::string>(r);
  EXPECT_TRUE(std::get<PolicySyncResult>(r).changed);
  EXPECT_EQ(std::get<PolicySyncResult>(r).version, "v1");
  {
    Gallery g(rig.dir / "gallery.db");
    ASSERT_TRUE(g.stored_policy());
    EXPECT_EQ(g.stored_policy()->etag, "\"p-1\"");
    const auto d = g.load_directory();
    ASSERT_TRUE(d.policy);
    EXPECT_EQ(d.policy->group_profile.at("staff"), "day");
  }
  r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<PolicySyncResult>(r));
  EXPECT_FALSE(std::get<PolicySyncResult>(r).changed) << "304: the same document";
  EXPECT_EQ(rig.backend.policy_conditions(), (std::vector<std::string>{"", "\"p-1\""}));

  // A bad document, one this device cannot serve, or no ETag: refused whole.
  rig.backend.policy_reply(200, R"({"profiles": {"day": {"week": {"mon": ["18:00-08:00"]}}}})", "\"p-2\"");
  r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("wraps midnight"), std::string::npos) << std::get<std::string>(r);
  rig.backend.policy_reply(200, R"({"profiles": {"day": {"week": {}}}, "door": {"mode": "card"}})", "\"p-3\"");
  r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("needs a card reader"), std::string::npos) << std::get<std::string>(r);
  rig.backend.policy_reply(200, v1, "");
  r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("no ETag"), std::string::npos);
  rig.backend.policy_reply(500, "oops", "");
  r = link.sync_policy_now();
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("HTTP 500"), std::string::npos);
  Gallery g(rig.dir / "gallery.db");
  EXPECT_EQ(g.stored_policy()->etag, "\"p-1\"") << "every refusal left the policy as it was";
}

TEST(BackendLinkTls, ClientsWithoutACertificateOrFromAnotherCaAreRefused) {
  Rig rig;
  std::string error;
  TestSubscriber anonymous(rig.pki, rig.broker.url(), "anonymous", "");
  EXPECT_FALSE(anonymous.connect("#", &error));
  TestSubscriber rogue(rig.pki, rig.broker.url(), "rogue", "rogue-client");
  EXPECT_FALSE(rogue.connect("#", &error));
  TestSubscriber genuine(rig.pki, rig.broker.url(), "genuine");
  EXPECT_TRUE(genuine.connect("#", &error)) << error;
}

TEST(BackendLinkTls, TheDeviceRefusesABrokerAndABackendWithUntrustedCertificates) {
  Rig rig;
  test::MosquittoBroker impostor(rig.pki, rig.dir, "rogue-server");
  impostor.start();
  test::TestBackend fake(rig.pki, kToken, "rogue-server");
  fake.start();
  auto options = rig.options();
  options.config.mqtt.url = impostor.url();
  options.config.https.url = fake.url();
  SimulatedRelay relay;
  BackendLink link(options, relay, nullptr);
  link.start();
  link.publish(test_event(1));
  ASSERT_TRUE(test::eventually([&] { return !link.health().https_error.empty(); }, 10s));
  EXPECT_NE(link.health().https_error.find("certificate"), std::string::npos) << link.health().https_error;
  std::this_thread::sleep_for(2s);
  EXPECT_FALSE(link.health().mqtt_connected);
  EXPECT_TRUE(fake.events().empty());
  EXPECT_EQ(link.health().outbox, 1) << "kept for the genuine backend";
}

Decision a_decision() {
  Decision d;
  d.track_id = 7;
  d.verdict = Verdict::DeniedUnknown;
  d.liveness = 0.9;
  d.liveness_passed = true;
  d.embedding.fill(0.05f);
  return d;
}

TEST(BackendLinkVerify, AsksTheBackendAndReadsItsVerdict) {
  Rig rig;
  SimulatedRelay relay;
  auto options = rig.options(true, false);
  options.config.https.send_face_jpeg = true;
  BackendLink link(options, relay, nullptr);
  auto d = a_decision();
  d.evidence = cv::Mat(40, 40, CV_8UC3, cv::Scalar(10, 120, 200));
  const auto v = link.verify(d);
  ASSERT_TRUE(std::holds_alternative<RemoteVerdict>(v)) << std::get<std::string>(v);
  EXPECT_TRUE(std::get<RemoteVerdict>(v).granted);
  EXPECT_EQ(std::get<RemoteVerdict>(v).user_name, "from-backend");
  const auto requests = rig.backend.verify_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["embedding"].size(), 128u);
  EXPECT_EQ(requests[0]["local"]["result"], "denied_unknown");
  EXPECT_GT(requests[0]["face_jpeg"].get<std::string>().size(), 100u);
}

TEST(BackendLinkVerify, ASlowOrBrokenBackendIsNoAnswer) {
  Rig rig;
  SimulatedRelay relay;
  BackendLink link(rig.options(true, false), relay, nullptr);
  rig.backend.verify_reply("{\"access_granted\": \"maybe\"}");
  auto v = link.verify(a_decision());
  ASSERT_TRUE(std::holds_alternative<std::string>(v));
  EXPECT_NE(std::get<std::string>(v).find("boolean 'access_granted'"), std::string::npos);
  rig.backend.verify_reply(R"({"access_granted": true})");
  rig.backend.verify_delay(1500ms);
  const auto start = std::chrono::steady_clock::now();
  v = link.verify(a_decision());
  EXPECT_TRUE(std::holds_alternative<std::string>(v)) << "the visitor is not kept waiting past verify_timeout";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
  rig.backend.verify_delay(0ms);
  rig.backend.stop();
  EXPECT_TRUE(std::holds_alternative<std::string>(link.verify(a_decision())));
}

// Home Assistant over the same real broker: discovery, events, commands.
BackendLinkOptions home_assistant_options(Rig& rig, bool enabled, bool allow_commands) {
  auto o = rig.options(/*https=*/false);
  o.config.home_assistant.enabled = enabled;
  o.config.home_assistant.allow_commands = allow_commands;
  return o;
}

std::vector<nlohmann::json> alerts_named(const TestSubscriber& s, const std::string& alert) {
  std::vector<nlohmann::json> out;
  for (const auto& m : s.on("door/test-door/alerts")) {
    auto j = nlohmann::json::parse(m.payload);
    if (j["alert"] == alert) out.push_back(j);
  }
  return out;
}

size_t config_count(const TestSubscriber& s) {
  size_t n = 0;
  for (const auto& m : s.messages())
    if (m.topic.size() > 7 && m.topic.compare(m.topic.size() - 7, 7, "/config") == 0 && !m.payload.empty()) ++n;
  return n;
}

TEST(BackendLinkHomeAssistant, DiscoveryIsRetainedRepublishedOnHomeAssistantsBirthAndEventsFollow) {
  Rig rig;
  auto ha = rig.subscriber("homeassistant/#");
  auto door = rig.subscriber("door/test-door/homeassistant/#");
  SimulatedRelay relay;
  BackendLink link(home_assistant_options(rig, true, false), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return config_count(*ha) >= 6; }, 10s)) << "six entities on connect";
  for (const auto& m : ha->messages()) {
    const auto config = nlohmann::json::parse(m.payload);
    EXPECT_EQ(config["device"]["identifiers"][0], "portier_test-door") << m.topic;
  }
  // A Home Assistant that starts later finds them retained.
  auto late = rig.subscriber("homeassistant/+/portier_test-door/+/config");
  ASSERT_TRUE(late->wait([](auto& m) { return m.size() >= 6; }, 5s));
  for (const auto& m : late->messages()) EXPECT_TRUE(m.retained) << m.topic;
  // Home Assistant restarts and says so: every device announces again.
  ha->publish("homeassistant/status", "online");
  ASSERT_TRUE(test::eventually([&] { return config_count(*ha) >= 12; }, 10s));

  AccessEvent granted;
  granted.id = new_uuid();
  granted.device_id = "test-door";
  granted.result = Verdict::Granted;
  granted.user_name = "ann";
  granted.distance = 0.31f;
  link.publish(granted);
  ASSERT_TRUE(door->wait([](auto& m) {
    for (auto& x : m)
      if (x.topic == "door/test-door/homeassistant/event") return true;
    return false;
  }, 5s));
  const auto event = nlohmann::json::parse(door->on("door/test-door/homeassistant/event").at(0).payload);
  EXPECT_EQ(event["event_type"], "granted");
  EXPECT_EQ(event["user"], "ann");
  ASSERT_TRUE(door->wait([](auto& m) {
    for (auto& x : m)
      if (x.topic == "door/test-door/homeassistant/last_user" && x.payload == "ann") return true;
    return false;
  }, 5s)) << "the last user let in";
  // The image entity: the decision's face, retained for a Home Assistant that looks later.
  const std::string face("\xff\xd8 a small face \xff\xd9", 18);
  link.publish_face(face);
  ASSERT_TRUE(test::eventually([&] { return !door->on("door/test-door/homeassistant/last_face").empty(); }, 5s));
  auto image = rig.subscriber("door/test-door/homeassistant/last_face");
  ASSERT_TRUE(test::eventually([&] { return !image->messages().empty(); }, 5s));
  EXPECT_EQ(image->messages().back().payload, face) << "the JPEG's bytes, as they are";
  EXPECT_TRUE(image->messages().back().retained);
  link.stop();
}

TEST(BackendLinkHomeAssistant, ItsCommandsActOnlyWhenAllowedAndAreEventsNamingIt) {
  Rig rig;
  auto watcher = rig.subscriber();
  SimulatedRelay relay;
  {
    BackendLink link(home_assistant_options(rig, true, /*allow_commands=*/false), relay, nullptr);
    link.start();
    ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
    std::this_thread::sleep_for(300ms);  // the subscriptions are made on connect
    watcher->publish("door/test-door/homeassistant/lock/set", "OPEN");
    ASSERT_TRUE(test::eventually([&] { return !alerts_named(*watcher, "command_refused").empty(); }, 5s));
    EXPECT_NE(alerts_named(*watcher, "command_refused")[0]["detail"].get<std::string>().find("allow_commands is off"),
              std::string::npos);
    EXPECT_TRUE(relay.pulses().empty()) << "not allowed: the door stays shut";
    link.stop();
  }
  BackendLink link(home_assistant_options(rig, true, /*allow_commands=*/true), relay, nullptr);
  link.start();
  ASSERT_TRUE(test::eventually([&] { return link.health().mqtt_connected; }, 10s));
  std::this_thread::sleep_for(300ms);
  watcher->publish("door/test-door/homeassistant/lock/set", "OPEN");
  ASSERT_TRUE(test::eventually([&] { return relay.pulses().size() == 1; }, 5s));
  EXPECT_EQ(relay.pulses()[0].hold, 2000ms) << "the configured unlock hold";
  ASSERT_TRUE(test::eventually([&] { return !alerts_named(*watcher, "remote_unlock").empty(); }, 5s));
  EXPECT_NE(alerts_named(*watcher, "remote_unlock")[0]["detail"].get<std::string>().find("homeassistant"), std::string::npos);
  watcher->publish("door/test-door/homeassistant/face_access/set", "OFF");
  ASSERT_TRUE(test::eventually([&] { return !link.gate().armed(); }, 5s));
  ASSERT_TRUE(test::eventually([&] { return !alerts_named(*watcher, "face_access_disarmed").empty(); }, 5s));
  EXPECT_EQ(alerts_named(*watcher, "face_access_disarmed")[0]["detail"], "homeassistant");
  watcher->publish("door/test-door/homeassistant/lock/set", "{\"cmd\": \"open\"}");
  ASSERT_TRUE(test::eventually([&] { return alerts_named(*watcher, "command_refused").size() >= 2; }, 5s));
  EXPECT_EQ(relay.pulses().size(), 1u) << "a payload it does not know opens nothing";
  link.stop();
}

TEST(BackendLinkHomeAssistant, TurningItOffRemovesTheEntitiesOnce) {
  Rig rig;
  SimulatedRelay relay;
  {
    auto ha = rig.subscriber("homeassistant/#");
    auto face = rig.subscriber("door/test-door/homeassistant/last_face");
    BackendLink link(home_assistant_options(rig, true, false), relay, nullptr);
    link.start();
    ASSERT_TRUE(test::eventually([&] { return config_count(*ha) >= 6; }, 10s));
    link.publish_face("\xff\xd8 face \xff\xd9");
    ASSERT_TRUE(test::eventually([&] { return !face->messages().empty(); }, 5s));
    link.stop();
  }
  auto ha = rig.subscriber("homeassistant/#");
  BackendLink link(home_assistant_options(rig, false, false), relay, nullptr);
  link.start();
  ASSERT_TRUE(ha->wait([](auto& m) {
    size_t empty = 0;
    for (auto& x : m) empty += x.payload.empty() && !x.retained;
    return empty >= 6;
  }, 10s)) << "an empty retained config removes each entity";
  link.stop();
  auto later = rig.subscriber("homeassistant/#");
  auto faces = rig.subscriber("door/test-door/homeassistant/#");
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(later->messages().empty()) << "nothing retained is left for Home Assistant to find";
  EXPECT_TRUE(faces->messages().empty()) << "nor a visitor's face, nor the last user's name";
}

}  // namespace
}  // namespace portier
