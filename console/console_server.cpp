#include "console/console_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "console/console_pages.h"

namespace portier {

namespace {

const char* kCookie = "portier_session";

std::string cookie_token(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string key = std::string(kCookie) + "=";
  for (size_t at = 0; at < cookies.size();) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    const size_t end = std::min(cookies.find(';', at), cookies.size());
    if (cookies.compare(at, key.size(), key) == 0) return cookies.substr(at + key.size(), end - at - key.size());
    at = end;
  }
  return {};
}

void html(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "text/html; charset=utf-8");
}

void see_other(httplib::Response& res, const std::string& where) {
  res.status = 303;
  res.set_header("Location", where);
}

}  // namespace

ConsoleServer::ConsoleServer(ConsoleOptions options, AdminAccounts& accounts, DoorConsole& door, EventSink& events)
    : options_(std::move(options)),
      accounts_(accounts),
      door_(door),
      events_(events),
      sessions_(options_.idle_timeout, options_.absolute_timeout) {}

ConsoleServer::~ConsoleServer() { stop(); }

std::optional<std::string> ConsoleServer::start() {
  server_ = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
  if (!server_->is_valid())
    return "console: cannot use the certificate " + options_.cert_file.string() + " with the key " +
           options_.key_file.string();
  server_->set_payload_max_length(options_.max_request_bytes);
  // No page may be framed, sniffed, cached or load anything from elsewhere.
  server_->set_default_headers({{"Content-Security-Policy",
                                 "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"},
                                {"X-Content-Type-Options", "nosniff"},
                                {"X-Frame-Options", "DENY"},
                                {"Referrer-Policy", "no-referrer"},
                                {"Cache-Control", "no-store"},
                                {"Strict-Transport-Security", "max-age=31536000"}});
  routes();
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.address.c_str());
    if (port_ <= 0) return "console: cannot listen on " + options_.address;
  } else {
    if (!server_->bind_to_port(options_.address.c_str(), options_.port))
      return fmt::format("console: cannot listen on {}:{} (in use, or not this device's address)", options_.address,
                         options_.port);
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  spdlog::info("console: https://{}:{}/", options_.address, port_);
  return std::nullopt;
}

void ConsoleServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

void ConsoleServer::alert(const std::string& kind, const std::string& detail) {
  events_.publish(make_alert_event(options_.device_id, kind, detail));
}

std::optional<ConsoleSession> ConsoleServer::session_of(const httplib::Request& req, httplib::Response& res, bool page) {
  if (auto s = sessions_.find(cookie_token(req), std::chrono::steady_clock::now())) {
    // `portier console user remove` or `password` (another process) ends the
    // account's sessions at their next request.
    if (accounts_.stamp(s->admin) == s->stamp) return s;
    sessions_.close_all_of(s->admin);
  }
  if (accounts_.count() == 0) {
    html(res, 403, no_admin_page(options_.device_id));
    return std::nullopt;
  }
  if (page) {
    see_other(res, "/login");
  } else {
    res.status = 401;
    res.set_content("{\"error\": \"log in first\"}", "application/json");
  }
  return std::nullopt;
}

bool ConsoleServer::csrf_ok(const ConsoleSession& session, const httplib::Request& req, httplib::Response& res) {
  if (same_token(req.get_param_value("csrf"), session.csrf)) return true;
  html(res, 403, message_page("Refused", "The form was stale or not this console's: reload the page and try again."));
  return false;
}

void ConsoleServer::login(const httplib::Request& req, httplib::Response& res) {
  if (accounts_.count() == 0) {
    html(res, 403, no_admin_page(options_.device_id));
    return;
  }
  const std::string name = req.get_param_value("name"), password = req.get_param_value("password");
  const auto now = std::chrono::steady_clock::now();
  if (limiter_.blocked(name, req.remote_addr, now)) {
    html(res, 429, login_page(options_.device_id, "Too many failed logins: wait 30 seconds."));
    return;
  }
  bool right = false;
  {
    // One password hash at a time: each takes 64 MiB, and a burst of logins
    // must not take a Pi's memory (the server runs requests side by side).
    std::lock_guard lock(login_mutex_);
    right = accounts_.check(name, password);
  }
  if (!right) {
    if (limiter_.failed(name, req.remote_addr, now))
      alert("console_login_blocked",
            fmt::format("5 failed logins as '{}' from {}: both blocked for 30 s", name.substr(0, 32), req.remote_addr));
    html(res, 401, login_page(options_.device_id, "Wrong name or password."));
    return;
  }
  limiter_.succeeded(name, req.remote_addr);
  const auto session = sessions_.open(name, now, accounts_.stamp(name).value_or(""));
  res.set_header("Set-Cookie", std::string(kCookie) + "=" + session.token + "; Path=/; Secure; HttpOnly; SameSite=Strict");
  alert("console_login", fmt::format("admin '{}' from {}", name, req.remote_addr));
  see_other(res, "/");
}

void ConsoleServer::routes() {
  auto& s = *server_;
  s.Get("/static/console.css", [](const httplib::Request&, httplib::Response& res) { res.set_content(kConsoleCss, "text/css"); });
  s.Get("/static/console.js",
        [](const httplib::Request&, httplib::Response& res) { res.set_content(kConsoleJs, "text/javascript"); });
  s.Get("/login", [this](const httplib::Request&, httplib::Response& res) {
    if (accounts_.count() == 0) return html(res, 403, no_admin_page(options_.device_id));
    html(res, 200, login_page(options_.device_id, ""));
  });
  s.Post("/login", [this](const httplib::Request& req, httplib::Response& res) { login(req, res); });
  s.Post("/logout", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = session_of(req, res, true);
    if (!session || !csrf_ok(*session, req, res)) return;
    sessions_.close(session->token);
    res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    see_other(res, "/login");
  });
  s.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = session_of(req, res, true);
    if (!session) return;
    html(res, 200, status_page(door_.status(), session->admin, session->csrf));
  });
  s.Get("/api/status", [this](const httplib::Request& req, httplib::Response& res) {
    if (!session_of(req, res, false)) return;
    res.set_content(status_json(door_.status()), "application/json");
  });
  for (const bool arm : {true, false}) {
    s.Post(arm ? "/control/arm" : "/control/disarm", [this, arm](const httplib::Request& req, httplib::Response& res) {
      auto session = session_of(req, res, true);
      if (!session || !csrf_ok(*session, req, res)) return;
      door_.set_face_access(arm);
      alert(arm ? "face_access_armed" : "face_access_disarmed", "console: admin '" + session->admin + "'");
      see_other(res, "/");
    });
  }
  s.Post("/control/unlock", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = session_of(req, res, true);
    if (!session || !csrf_ok(*session, req, res)) return;
    if (req.get_param_value("confirm") != "yes")
      return html(res, 400, message_page("Not unlocked", "Tick the confirmation to unlock the door."));
    door_.unlock(options_.unlock_hold);
    alert("remote_unlock",
          fmt::format("console: admin '{}' unlocked for {} ms", session->admin, options_.unlock_hold.count()));
    see_other(res, "/");
  });
  // Anything else: not found, and never a file (no path is read from disk).
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) html(res, 404, message_page("Not found", "There is no such page."));
    if (res.status == 413) html(res, 413, message_page("Too large", "The request is larger than the console takes."));
  });
}

}  // namespace portier
