// [backend], [mqtt], [homeassistant], [outbox] and [console]: the door's links
// to the backend and to its operators.
#include <cstdlib>

#include "app/config_section.h"

namespace portier::config_detail {

void read_backend(Section& top, Config& c) {
  Section backend = top.section("backend");
  std::string mode = "local";
  backend.choice("mode", mode, {"local", "backend"});
  c.backend.mode = mode == "backend" ? DecisionMode::Backend : DecisionMode::Local;
  auto& https = c.backend.https;
  backend.string("url", https.url, true);
  backend.path("ca_file", https.ca_file);
  backend.path("token_file", https.token_file);
  backend.milliseconds("connect_timeout_ms", https.connect_timeout, 100, 60000);
  backend.milliseconds("timeout_ms", https.timeout, 100, 300000);
  backend.milliseconds("verify_timeout_ms", https.verify_timeout, 100, 30000);
  backend.boolean("send_face_jpeg", https.send_face_jpeg);
  backend.boolean("sync_users", https.sync_users);
  backend.boolean("sync_policy", https.sync_policy);
  if (!https.url.empty()) {
    if (https.url.rfind("https://", 0) != 0)
      backend.fail("url", "must be an https:// URL: the backend is reached over TLS only, got \"" + https.url + "\"");
    while (https.url.back() == '/') https.url.pop_back();
    if (https.ca_file.empty()) backend.fail("ca_file", "is required with backend.url (the CA the server's certificate must chain to)");
    if (https.token_file.empty()) backend.fail("token_file", "is required with backend.url (the file holding the bearer token)");
  } else {
    if (c.backend.mode == DecisionMode::Backend) backend.fail("mode", "\"backend\" needs backend.url");
    if (https.sync_users) backend.fail("sync_users", "needs backend.url");
    if (https.sync_policy) backend.fail("sync_policy", "needs backend.url");
  }
  backend.finish();
}

void read_mqtt(Section& top, Config& c) {
  Section mqtt = top.section("mqtt");
  auto& m = c.backend.mqtt;
  mqtt.string("url", m.url, true);
  mqtt.path("ca_file", m.ca_file);
  mqtt.path("cert_file", m.cert_file);
  mqtt.path("key_file", m.key_file);
  mqtt.string("client_id", m.client_id, true);
  mqtt.string("topic_prefix", m.topic_prefix);
  int keepalive = static_cast<int>(m.keepalive.count());
  mqtt.integer("keepalive_s", keepalive, 5, 3600);
  m.keepalive = std::chrono::seconds(keepalive);
  mqtt.path("command_key_file", m.command_key_file);
  int max_age = static_cast<int>(m.command_max_age.count());
  mqtt.integer("command_max_age_s", max_age, 5, 3600);
  m.command_max_age = std::chrono::seconds(max_age);
  if (m.topic_prefix.find_first_of("+#") != std::string::npos || m.topic_prefix.front() == '/' || m.topic_prefix.back() == '/')
    mqtt.fail("topic_prefix", "must not hold '+' or '#' nor start or end with '/', got \"" + m.topic_prefix + "\"");
  if (!m.url.empty()) {
    if (m.url.rfind("mqtts://", 0) == 0) m.url = "ssl://" + m.url.substr(8);
    if (m.url.rfind("ssl://", 0) != 0)
      mqtt.fail("url", "must be an ssl:// (or mqtts://) URL: the broker is reached over mutual TLS only, got \"" + m.url + "\"");
    for (const auto& [key, file] : {std::pair{"ca_file", &m.ca_file}, {"cert_file", &m.cert_file}, {"key_file", &m.key_file}})
      if (file->empty()) mqtt.fail(key, "is required with mqtt.url (mutual TLS)");
  }
  if (m.client_id.empty()) m.client_id = "portier-" + c.device_id;
  mqtt.finish();
}

void read_home_assistant(Section& top, Config& c) {
  Section ha = top.section("homeassistant");
  auto& h = c.backend.home_assistant;
  ha.boolean("enabled", h.enabled);
  ha.string("discovery_prefix", h.discovery_prefix);
  ha.boolean("allow_commands", h.allow_commands);
  if (h.discovery_prefix.empty() || h.discovery_prefix.find_first_of("+# ") != std::string::npos ||
      h.discovery_prefix.front() == '/' || h.discovery_prefix.back() == '/')
    ha.fail("discovery_prefix", "must be a topic without '+', '#' or spaces, not starting or ending with '/', got \"" +
                                    h.discovery_prefix + "\"");
  if (h.enabled && c.backend.mqtt.url.empty()) ha.fail("enabled", "needs [mqtt] url: Home Assistant is reached over the broker");
  if (h.allow_commands && !h.enabled) ha.fail("allow_commands", "needs homeassistant.enabled = true");
  ha.finish();
}

void read_outbox(Section& top, Config& c) {
  Section outbox = top.section("outbox");
  auto& o = c.backend.outbox;
  outbox.path("path", o.path);
  if (o.path.empty()) o.path = c.gallery_path.parent_path() / "outbox.db";
  int max_events = static_cast<int>(o.max_events);
  outbox.integer("max_events", max_events, 100, 10000000);
  o.max_events = max_events;
  int batch = static_cast<int>(o.batch_size);
  outbox.integer("batch_size", batch, 1, 1000);
  o.batch_size = static_cast<size_t>(batch);
  outbox.milliseconds("retry_base_ms", o.retry_base, 10, 60000);
  int retry_max = static_cast<int>(o.retry_cap.count() / 1000);
  outbox.integer("retry_max_s", retry_max, 1, 3600);
  o.retry_cap = std::chrono::seconds(retry_max);
  outbox.finish();
}

void read_console(Section& top, Config& c) {
  Section console = top.section("console");
  console.boolean("enabled", c.console.enabled);
  std::string listen = c.console.address + ":" + std::to_string(c.console.port);
  console.string("listen", listen);
  {
    // address:port; the address may be a bracketed IPv6 one.
    const auto colon = listen.rfind(':');
    int port = 0;
    const bool port_ok = colon != std::string::npos && colon + 1 < listen.size() &&
                         listen.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
                         (port = std::atoi(listen.c_str() + colon + 1)) >= 1 && port <= 65535;
    std::string address = port_ok ? listen.substr(0, colon) : "";
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
    if (!port_ok || address.empty())
      console.fail("listen", "must be ADDRESS:PORT (e.g. \"0.0.0.0:8443\", \"[::]:8443\"), got \"" + listen + "\"");
    c.console.address = address;
    c.console.port = port;
  }
  console.path("cert_file", c.console.cert_file);
  console.path("key_file", c.console.key_file);
  if (c.console.cert_file.empty() != c.console.key_file.empty())
    console.fail(c.console.cert_file.empty() ? "cert_file" : "key_file",
                 "goes with console.cert_file and console.key_file both set (or both empty for a self-signed pair)");
  console.integer("live_viewers", c.console.live_viewers, 0, 8);
  console.number("live_fps", c.console.live_fps, 0.5, 15.0);
  console.finish();
}

}  // namespace portier::config_detail
