// The console: an HTTPS page on the device to see and operate the door
// (docs/console.md). cpp-httplib's SSLServer on its own threads; sessions,
// CSRF tokens and the login limiter in front of every page; every admin
// action an event naming the admin.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "access/access_event.h"
#include "access/access_log.h"
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
  // Photo uploads included: up to max_photos, each at most max_photo_bytes.
  size_t max_request_bytes = 16 << 20;
  size_t max_photos = 5;
  size_t max_photo_bytes = 3 << 20;
  int live_viewers = 2;  // at once; one more is told to wait
  double live_fps = 5;   // at most: a viewer must not take the door's CPU
};

class ConsoleServer {
 public:
  // Lends: the accounts, the door, the event sink and the access log (null:
  // the door keeps none) outlive the server.
  ConsoleServer(ConsoleOptions options, AdminAccounts& accounts, DoorConsole& door, EventSink& events,
                const AccessLog* log = nullptr);
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
  void log_page(const httplib::Request& req, httplib::Response& res);
  void live_stream(const httplib::Request& req, httplib::Response& res);
  void users_page(const httplib::Request& req, httplib::Response& res);
  void enrol(const httplib::Request& req, httplib::Response& res, bool from_camera);
  void remove_user(const httplib::Request& req, httplib::Response& res);
  std::optional<ConsoleUser> editable_user(const std::string& name, httplib::Response& res);
  void user_page(const httplib::Request& req, httplib::Response& res);
  void change_user(const httplib::Request& req, httplib::Response& res);
  // The users page with a message above the list (an enrolment's report).
  void users_reply(httplib::Response& res, int status, const ConsoleSession& session, const std::string& message_html);

  ConsoleOptions options_;
  AdminAccounts& accounts_;
  DoorConsole& door_;
  EventSink& events_;
  const AccessLog* log_;
  ConsoleSessions sessions_;
  LoginLimiter limiter_;
  std::mutex login_mutex_;
  std::atomic<int> viewers_{0};
  std::atomic<bool> stopping_{false};  // ends the live streams
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace portier
