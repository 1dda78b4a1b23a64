// backend_bench: the backend link's speed against a real broker and HTTPS
// backend on this machine (not a test: speed is measured here, reported,
// never asserted in a timed unit test).
//   1. latency: from publish() (the act stage hands over a decision) to the
//      event's arrival at an MQTT subscriber and at the backend, link up;
//   2. drain: events stored during an outage of both, then the time until
//      every one has arrived at both once they are back.
// The last line of stdout is one JSON object.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "backend-client/backend_link.h"
#include "hal/simulated_relay.h"
#include "pipeline/stage_timings.h"
#include "tests/backend-client/fixtures.h"

using namespace portier;
using namespace std::chrono_literals;
using Ms = std::chrono::duration<double, std::milli>;

int main(int argc, char** argv) {
  const int latency_events = argc > 1 ? std::atoi(argv[1]) : 300;
  const int outage_events = argc > 2 ? std::atoi(argv[2]) : 5000;
  spdlog::set_level(spdlog::level::err);
  test::TempDir dir;
  test::Pki pki(dir);
  test::MosquittoBroker broker(pki, dir);
  test::TestBackend backend(pki, "bench-token");
  broker.start();
  backend.start();
  test::write_file(dir / "token", "bench-token");
  test::TestSubscriber watcher(pki, broker.url(), "bench-watcher");
  if (!watcher.connect("door/bench-door/alerts")) return 1;

  BackendLinkOptions o;
  o.device_id = "bench-door";
  o.version = "bench";
  o.gallery_file = dir / "gallery.db";
  o.state_dir = dir.path();
  o.config.https = {backend.url(), pki.file("ca.pem"), dir / "token", 2000ms, 10000ms, 1500ms, false, false};
  o.config.mqtt.url = broker.url();
  o.config.mqtt.ca_file = pki.file("ca.pem");
  o.config.mqtt.cert_file = pki.file("client.pem");
  o.config.mqtt.key_file = pki.file("client.key");
  o.config.mqtt.client_id = "portier-bench-door";
  o.config.outbox.path = dir / "outbox.db";
  o.config.outbox.retry_cap = 1000ms;  // so that the drain measures throughput, not the last backoff
  SimulatedRelay relay;
  BackendLink link(o, relay, nullptr);
  link.start();
  if (!test::eventually([&] { return link.health().mqtt_connected; }, 10s)) return 1;

  // 1. Latency, one decision every 20 ms.
  std::map<std::string, std::chrono::steady_clock::time_point> sent;
  for (int i = 0; i < latency_events; ++i) {
    const auto e = make_alert_event("bench-door", "test", "latency " + std::to_string(i));
    sent[e.id] = std::chrono::steady_clock::now();
    link.publish(e);
    std::this_thread::sleep_for(20ms);
  }
  link.drain(30s);
  test::eventually([&] { return watcher.messages().size() >= sent.size(); }, 10s);
  std::vector<double> mqtt_ms, http_ms;
  for (const auto& m : watcher.messages()) {
    const auto id = nlohmann::json::parse(m.payload)["id"].get<std::string>();
    if (sent.count(id)) mqtt_ms.push_back(Ms(m.at - sent[id]).count());
  }
  for (const auto& e : backend.events())
    if (sent.count(e.id)) http_ms.push_back(Ms(e.at - sent[e.id]).count());

  // 2. Drain after an outage of both.
  const size_t before_mqtt = watcher.messages().size(), before_http = backend.events().size();
  broker.stop();
  backend.stop();
  const auto store_start = std::chrono::steady_clock::now();
  for (int i = 0; i < outage_events; ++i) link.publish(make_alert_event("bench-door", "test", "outage " + std::to_string(i)));
  const double store_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - store_start).count();
  std::this_thread::sleep_for(1s);
  broker.start();
  backend.start();
  const auto back = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> http_done, mqtt_done;
  while ((!http_done || !mqtt_done) && std::chrono::steady_clock::now() - back < 300s) {
    const auto now = std::chrono::steady_clock::now();
    if (!http_done && backend.events().size() >= before_http + static_cast<size_t>(outage_events)) http_done = now;
    if (!mqtt_done && watcher.messages().size() >= before_mqtt + static_cast<size_t>(outage_events)) mqtt_done = now;
    std::this_thread::sleep_for(10ms);
  }
  if (!http_done || !mqtt_done) {
    std::printf("the outbox did not drain in 300 s\n");
    return 1;
  }
  const double http_s = std::chrono::duration<double>(*http_done - back).count();
  const double mqtt_s = std::chrono::duration<double>(*mqtt_done - back).count();
  link.stop();

  std::printf("latency, link up (%d events, one per 20 ms; publish() to arrival)\n", latency_events);
  std::printf("  mqtt subscriber  p50 %.1f ms  p95 %.1f ms  max %.1f ms  (%zu arrived)\n", percentile(mqtt_ms, 50),
              percentile(mqtt_ms, 95), percentile(mqtt_ms, 100), mqtt_ms.size());
  std::printf("  https backend    p50 %.1f ms  p95 %.1f ms  max %.1f ms  (%zu arrived)\n", percentile(http_ms, 50),
              percentile(http_ms, 95), percentile(http_ms, 100), http_ms.size());
  std::printf("outage: %d events stored in %.1f s (%.0f/s, each fsynced)\n", outage_events, store_s, outage_events / store_s);
  std::printf("  drained to the backend in %.2f s: %.0f events/s\n", http_s, outage_events / http_s);
  std::printf("  drained to the broker in  %.2f s: %.0f events/s\n", mqtt_s, outage_events / mqtt_s);
  const nlohmann::json out{{"mqtt_latency_p50_ms", percentile(mqtt_ms, 50)}, {"mqtt_latency_p95_ms", percentile(mqtt_ms, 95)},
                           {"http_latency_p50_ms", percentile(http_ms, 50)}, {"http_latency_p95_ms", percentile(http_ms, 95)},
                           {"outage_events", outage_events},                 {"store_per_s", outage_events / store_s},
                           {"drain_http_per_s", outage_events / http_s},     {"drain_mqtt_per_s", outage_events / mqtt_s}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
