// Real peers for the backend tests: a throw-away PKI made with openssl, a
// mosquitto broker with a mutual-TLS listener started and stopped by PID, an
// HTTPS backend (cpp-httplib's SSLServer) that implements docs/protocol.md,
// and an MQTT subscriber with its own client certificate.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace httplib {
class SSLServer;
}
namespace mqtt {
class async_client;
}

namespace portier::test {

// A port nothing listens on right now.
int free_port();
// Waits until something accepts TCP connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

struct Pki {
  explicit Pki(const TempDir& dir);  // runs tests/backend-client/make-certs.sh
  std::filesystem::path dir;
  std::filesystem::path file(const std::string& name) const { return dir / name; }
};

class MosquittoBroker {
 public:
  // server_cert: "server" (trusted) or "rogue-server" (an impostor).
  MosquittoBroker(const Pki& pki, const TempDir& dir, std::string server_cert = "server");
  ~MosquittoBroker();
  void start();
  void stop();  // SIGTERM: mosquitto saves its persistent sessions
  void kill();  // SIGKILL
  int port() const { return port_; }
  std::string url() const { return "ssl://localhost:" + std::to_string(port_); }
  std::string log() const;

 private:
  std::filesystem::path config_, state_;
  int port_;
  pid_t pid_ = -1;
};

// The backend of docs/protocol.md, with switchable faults.
class TestBackend {
 public:
  struct Received {
    std::string id;
    std::int64_t seq;
    nlohmann::json event;
    std::chrono::steady_clock::time_point at;
  };
  TestBackend(const Pki& pki, std::string token, std::string server_cert = "server");
  ~TestBackend();
  void start();
  void stop();
  int port() const { return port_; }
  std::string url() const { return "https://localhost:" + std::to_string(port_); }

  // Faults for POST /api/events: 0 = answer properly; an HTTP status to
  // answer with instead; or garbage bodies with 200.
  void fail_events_with(int status) { set([&] { events_status_ = status; }); }
  void garbage_events_reply(bool on) { set([&] { events_garbage_ = on; }); }
  // POST /api/verify-face answers with this body (status 200), or waits this long first.
  void verify_reply(const std::string& body) { set([&] { verify_body_ = body; }); }
  void verify_delay(std::chrono::milliseconds d) { set([&] { verify_delay_ = d; }); }
  // GET /api/users answers with this body.
  void users_reply(int status, const std::string& body) {
    set([&] {
      users_status_ = status;
      users_body_ = body;
    });
  }

  // GET /api/access-policy serves this document with this ETag, and 304 to
  // a request whose If-None-Match is that ETag; an empty ETag sends none.
  void policy_reply(int status, const std::string& body, const std::string& etag) {
    set([&] {
      policy_status_ = status;
      policy_body_ = body;
      policy_etag_ = etag;
    });
  }
  std::vector<std::string> policy_conditions() const;  // the If-None-Match of each policy request ("" if none)

  std::vector<Received> events() const;                // in arrival order, duplicates included
  std::vector<nlohmann::json> verify_requests() const;
  int unauthorised() const;                            // requests with a wrong or missing token

 private:
  void set(const std::function<void()>& change) {
    std::lock_guard lock(mutex_);
    change();
  }
  const Pki& pki_;
  std::string token_, cert_;
  int port_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  mutable std::mutex mutex_;
  int events_status_ = 0;
  bool events_garbage_ = false;
  std::string verify_body_ = R"({"access_granted": true, "user_id": 42, "user_name": "from-backend", "reason": "ok"})";
  std::chrono::milliseconds verify_delay_{0};
  int policy_status_ = 404;
  std::string policy_body_, policy_etag_;
  std::vector<std::string> policy_conditions_;
  int users_status_ = 200;
  std::string users_body_ = R"({"users": []})";
  std::vector<Received> events_;
  std::vector<nlohmann::json> verify_requests_;
  int unauthorised_ = 0;
};

// An MQTT client with a certificate of the test CA (or another), recording
// what arrives on its subscriptions.
class TestSubscriber {
 public:
  struct Message {
    std::string topic, payload;
    bool retained;
    std::chrono::steady_clock::time_point at;
  };
  TestSubscriber(const Pki& pki, std::string url, std::string client_id, std::string cert = "client");
  ~TestSubscriber();
  // Connects (persistent session) and subscribes; false with the reason if refused.
  bool connect(const std::string& filter, std::string* error = nullptr);
  void publish(const std::string& topic, const std::string& payload);
  std::vector<Message> messages() const;
  std::vector<Message> on(const std::string& topic) const;
  // Waits until `predicate` holds for the messages so far.
  bool wait(const std::function<bool(const std::vector<Message>&)>& predicate, std::chrono::milliseconds timeout) const;

 private:
  class Callback;
  const Pki& pki_;
  std::string url_, client_id_, cert_;
  std::unique_ptr<mqtt::async_client> client_;
  std::unique_ptr<Callback> callback_;
  mutable std::mutex mutex_;
  std::vector<Message> messages_;
};

// Waits until `predicate()` is true.
bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

}  // namespace portier::test
