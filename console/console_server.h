// The console: an HTTPS page on the device to see and operate the door
// (docs/console.md). cpp-httplib's SSLServer on its own threads; sessions,
// CSRF tokens and the login limiter in front of every page; every admin
// action an event naming the admin.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "access/access_event.h"
#include "console/admin_accounts.h"
#include "console/door_console.h"
#include "console/sessions.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace portier {

struct ConsoleOptions {
  std::string address = "0.0.0.0";
  int port = 8443;  // 0: any free port (tests)
  std::filesystem::path cert_file, key_file;
  std::string device_id = "portier";
  std::chrono::milliseconds unlock_hold{3000};
  std::chrono::seconds idle_timeout = std::chrono::minutes(15);
  std::chrono::seconds absolute_timeout = std::chrono::hours(8);
  size_t max_request_bytes = 1 << 20;
};

class ConsoleServer {
 public:
  // Lends: the accounts, the door and the event sink outlive the server.
  ConsoleServer(ConsoleOptions options, AdminAccounts& accounts, DoorConsole& door, EventSink& events);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  // Loads the certificate and binds; serves on a thread of its own. Why it
  // could not, or nothing.
  std::optional<std::string> start();
  void stop();
  int port() const { return port_; }

 private:
  void routes();
  // The logged-in session, or the reply already made (login page, 401).
  std::optional<ConsoleSession> session_of(const httplib::Request& req, httplib::Response& res, bool page);
  bool csrf_ok(const ConsoleSession& session, const httplib::Request& req, httplib::Response& res);
  void alert(const std::string& kind, const std::string& detail);
  void login(const httplib::Request& req, httplib::Response& res);

  ConsoleOptions options_;
  AdminAccounts& accounts_;
  DoorConsole& door_;
  EventSink& events_;
  ConsoleSessions sessions_;
  LoginLimiter limiter_;
  std::mutex login_mutex_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace portier
