#include "console/console_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "console/console_pages.h"
#include "console/mjpeg.h"
#include "console/request_origin.h"

namespace portier {

namespace {

const char* kCookie = "portier_session";

// A form field, from either form encoding (uploads come multipart).
std::string form_value(const httplib::Request& req, const char* key) {
  if (req.is_multipart_form_data()) return req.has_file(key) ? req.get_file_value(key).content : std::string();
  return req.get_param_value(key);
}

// A user's name as a form gives it: why it will not do, or nothing.
std::optional<std::string> name_problem(const std::string& name) {
  if (name.empty() || name.find_first_not_of(' ') == std::string::npos) return "Give the person's name.";
  if (name.size() > 64) return "A name has at most 64 characters.";
  for (const unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return "A name has no control characters.";
  return std::nullopt;
}

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

ConsoleServer::ConsoleServer(ConsoleOptions options, AdminAccounts& accounts, DoorConsole& door, EventSink& events,
                             const AccessLog* log)
    : options_(std::move(options)),
      accounts_(accounts),
      door_(door),
      events_(events),
      log_(log),
      sessions_(options_.idle_timeout, options_.absolute_timeout) {}

ConsoleServer::~ConsoleServer() { stop(); }

std::optional<std::string> ConsoleServer::start() {
  server_ = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
  if (!server_->is_valid())
    return "console: cannot use the certificate " + options_.cert_file.string() + " with the key " +
           options_.key_file.string();
  server_->set_payload_max_length(options_.max_request_bytes);
  // Headers and body go out in separate writes: with Nagle's algorithm each
  // reply on a kept-alive connection waits for the client's delayed ACK
  // (40 ms on Linux), measured by console_bench.
  server_->set_tcp_nodelay(true);
  // No page may be framed, sniffed, cached or load anything from elsewhere.
  server_->set_default_headers({{"Content-Security-Policy",
                                 "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"},
                                {"X-Content-Type-Options", "nosniff"},
                                {"X-Frame-Options", "DENY"},
                                // same-origin, not no-referrer: under no-referrer a browser sends
                                // "Origin: null" with the console's own forms.
                                {"Referrer-Policy", "same-origin"},
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
  stopping_.store(true, std::memory_order_release);
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
  if (same_token(form_value(req, "csrf"), session.csrf)) return true;
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

void ConsoleServer::log_page(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, true);
  if (!session) return;
  if (!log_)
    return html(res, 404, message_page("No access log", "This door keeps no access log: see the service's journal."));
  // Every filter is checked before it is used, and only ever bound as a value.
  AccessLogQuery q;
  q.user = req.get_param_value("user");
  const std::string result = req.get_param_value("result"), day = req.get_param_value("day"),
                    before = req.get_param_value("before");
  if (q.user.size() > 64) return html(res, 400, message_page("Bad filter", "user: at most 64 characters."));
  if (!result.empty()) {
    for (const Verdict v : kAllVerdicts)
      if (result == to_string(v)) q.result = v;
    if (!q.result) return html(res, 400, message_page("Bad filter", "result: not one of the results a decision has."));
  }
  const bool day_ok = day.empty() || (day.size() == 10 && day[4] == '-' && day[7] == '-' &&
                                      day.find_first_not_of("0123456789-") == std::string::npos);
  if (!day_ok) return html(res, 400, message_page("Bad filter", "day: YYYY-MM-DD."));
  q.day = day;
  if (!before.empty()) {
    if (before.size() > 18 || before.find_first_not_of("0123456789") != std::string::npos)
      return html(res, 400, message_page("Bad filter", "before: a number."));
    q.before = std::stoll(before);
  }
  html(res, 200, portier::log_page(options_.device_id, log_->query(q), q, session->admin, session->csrf));
}

void ConsoleServer::live_stream(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, false);
  if (!session) return;
  // Each viewer holds one of the server's threads and costs the door a JPEG
  // per frame sent: a few at most.
  if (viewers_.fetch_add(1, std::memory_order_acq_rel) >= options_.live_viewers) {
    viewers_.fetch_sub(1, std::memory_order_acq_rel);
    res.status = 503;
    res.set_header("Retry-After", "10");
    res.set_content(fmt::format("{} viewers already watch: the live view takes at most that many",
                                options_.live_viewers),
                    "text/plain");
    return;
  }
  door_.watch(true);
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / std::max(0.1, options_.live_fps)));
  struct Stream {
    std::uint64_t seq = 0;
    std::chrono::steady_clock::time_point next{}, checked = std::chrono::steady_clock::now();
  };
  auto stream = std::make_shared<Stream>();
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(
      kMjpegContentType,
      [this, stream, period, token = session->token](size_t, httplib::DataSink& sink) {
        while (!stopping_.load(std::memory_order_acquire) && sink.is_writable()) {
          const auto now = std::chrono::steady_clock::now();
          // A session that ended (logout, timeout, account removed) stops its stream.
          if (now - stream->checked > std::chrono::seconds(5)) {
            stream->checked = now;
            auto s = sessions_.find(token, now);
            if (!s || accounts_.stamp(s->admin) != s->stamp) break;
          }
          if (now < stream->next) {
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(stream->next - now,
                                                                                      std::chrono::milliseconds(100)));
            continue;
          }
          auto frame = door_.live_jpeg(stream->seq);
          if (!frame) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
          }
          stream->seq = frame->first;
          stream->next = now + period;
          const std::string part = mjpeg_part(frame->second);
          return sink.write(part.data(), part.size());
        }
        sink.done();
        return true;
      },
      [this](bool) {
        door_.watch(false);
        viewers_.fetch_sub(1, std::memory_order_acq_rel);
      });
}

void ConsoleServer::users_reply(httplib::Response& res, int status, const ConsoleSession& session,
                                const std::string& message_html) {
  html(res, status, portier::users_page(options_.device_id, door_.users(), "", session.admin, session.csrf, message_html));
}

void ConsoleServer::users_page(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, true);
  if (!session) return;
  const std::string q = req.get_param_value("q");
  if (q.size() > 64) return html(res, 400, message_page("Bad search", "Search for at most 64 characters."));
  html(res, 200, portier::users_page(options_.device_id, door_.users(), q, session->admin, session->csrf, ""));
}

void ConsoleServer::remove_user(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, true);
  if (!session || !csrf_ok(*session, req, res)) return;
  const std::string name = req.get_param_value("name");
  if (door_.users().from_backend)
    return users_reply(res, 409, *session, "<p class=\"error\">The backend owns the users here: remove them there.</p>");
  if (auto why = door_.remove_user(name)) return users_reply(res, 404, *session, "<p class=\"error\">" + html_escape(*why) + "</p>");
  alert("user_removed", fmt::format("console: admin '{}' removed '{}'", session->admin, name));
  see_other(res, "/users");
}

namespace {

std::optional<ConsoleUser> find_user(const ConsoleUsers& users, const std::string& name) {
  for (const auto& u : users.users)
    if (u.name == name) return u;
  return std::nullopt;
}

// The form's `what`, and its fields, as a change; nothing for an unknown one.
std::optional<UserChange> change_of(const httplib::Request& req) {
  using Kind = UserChange::Kind;
  static const std::pair<const char*, Kind> kKinds[] = {
      {"card-add", Kind::AddCard},   {"card-remove", Kind::RemoveCard}, {"group-add", Kind::AddGroup},
      {"group-remove", Kind::RemoveGroup}, {"mode", Kind::SetMode},     {"valid", Kind::SetValidity},
      {"pin-set", Kind::SetPin},     {"pin-remove", Kind::RemovePin}};
  const std::string what = req.get_param_value("what");
  for (const auto& [key, kind] : kKinds) {
    if (what != key) continue;
    UserChange c;
    c.kind = kind;
    c.value = req.get_param_value("value").substr(0, 64);
    c.from = req.get_param_value("from").substr(0, 20);
    c.until = req.get_param_value("until").substr(0, 20);
    const std::string index = req.get_param_value("index");
    if (kind == Kind::RemoveCard) {
      if (index.empty() || index.size() > 4 || index.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      c.index = std::stoul(index);
    }
    return c;
  }
  return std::nullopt;
}

}  // namespace

// The user a page or a change names, when this console may change them;
// otherwise the reply (404, or 409 where the backend owns the users) is written.
std::optional<ConsoleUser> ConsoleServer::editable_user(const std::string& name, httplib::Response& res) {
  const auto users = door_.users();
  auto user = find_user(users, name);
  if (!user) {
    html(res, 404, message_page("No such user", "Nobody of that name is enrolled."));
    return std::nullopt;
  }
  if (users.from_backend) {
    html(res, 409, message_page("Users are the backend's", "The backend owns the users here: change them there."));
    return std::nullopt;
  }
  return user;
}

void ConsoleServer::user_page(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, true);
  if (!session) return;
  if (const auto user = editable_user(req.get_param_value("name"), res))
    html(res, 200, portier::user_page(options_.device_id, *user, session->admin, session->csrf, ""));
}

void ConsoleServer::change_user(const httplib::Request& req, httplib::Response& res) {
  auto session = session_of(req, res, true);
  if (!session || !csrf_ok(*session, req, res)) return;
  const std::string name = req.get_param_value("name");
  const auto user = editable_user(name, res);
  if (!user) return;
  const auto change = change_of(req);
  if (!change) return html(res, 400, message_page("Not changed", "The form asked for no change this page knows."));
  const auto result = door_.change_user(name, *change);
  const auto after = find_user(door_.users(), name).value_or(*user);
  if (result.error)
    return html(res, 422, portier::user_page(options_.device_id, after, session->admin, session->csrf,
                                             "<p class=\"error\" id=\"not-changed\">" + html_escape(*result.error) + "</p>"));
  // The event names the admin and what changed; a PIN never appears in it.
  alert("user_changed", fmt::format("console: admin '{}': '{}' {}", session->admin, name, result.done));
  std::string report = "<p class=\"ok\" id=\"changed\">" + html_escape(name + ": " + result.done) + ".</p>";
  if (!result.note.empty()) report += "<p class=\"note\">Note: " + html_escape(result.note) + ".</p>";
  html(res, 200, portier::user_page(options_.device_id, after, session->admin, session->csrf, report));
}

void ConsoleServer::enrol(const httplib::Request& req, httplib::Response& res, bool from_camera) {
  auto session = session_of(req, res, true);
  if (!session || !csrf_ok(*session, req, res)) return;
  const std::string name = form_value(req, "name");
  if (auto why = name_problem(name)) return users_reply(res, 400, *session, "<p class=\"error\">" + html_escape(*why) + "</p>");
  if (door_.users().from_backend)
    return users_reply(res, 409, *session, "<p class=\"error\">The backend owns the users here: enrol them there.</p>");
  EnrolResult result;
  size_t given = 0;
  if (from_camera) {
    result = door_.enrol_from_camera(name);
  } else {
    // Limits first, each with its own answer; the photos' content is judged
    // by what their bytes are, never by their names or declared types.
    std::vector<UploadedPhoto> photos;
    if (req.is_multipart_form_data()) {
      const auto range = req.files.equal_range("photos");
      for (auto it = range.first; it != range.second; ++it)
        if (!it->second.content.empty()) photos.push_back({it->second.filename.substr(0, 80), it->second.content});
    }
    if (photos.empty())
      return users_reply(res, 400, *session, "<p class=\"error\">Choose one or more photos of the person.</p>");
    if (photos.size() > options_.max_photos)
      return users_reply(res, 413, *session,
                         fmt::format("<p class=\"error\">At most {} photos at a time.</p>", options_.max_photos));
    for (const auto& p : photos)
      if (p.bytes.size() > options_.max_photo_bytes)
        return users_reply(res, 413, *session,
                           fmt::format("<p class=\"error\">{}: larger than {} MB.</p>", html_escape(p.filename),
                                       options_.max_photo_bytes >> 20));
    given = photos.size();
    result = door_.enrol(name, photos);
  }
  std::string report;
  if (!result.error.empty()) report += "<p class=\"error\">" + html_escape(result.error) + "</p>";
  if (result.enrolled)
    report += fmt::format("<p class=\"ok\" id=\"enrolled\">Enrolled {}: {} photo{} accepted.</p>", html_escape(name),
                          result.accepted, result.accepted == 1 ? "" : "s");
  else if (result.error.empty())
    report += "<p class=\"error\" id=\"not-enrolled\">Nothing enrolled for " + html_escape(name) + ".</p>";
  if (!result.lookalikes.empty())
    report += "<p id=\"lookalikes\">Looks like " + html_escape(result.lookalikes) +
              ": the door accepts each of them only nearer than their own narrower radius.</p>";
  if (!result.rejected.empty()) {
    report += "<ul class=\"rejected\">";
    for (const auto& [photo, why] : result.rejected)
      report += "<li>" + html_escape(photo) + ": " + html_escape(why) + "</li>";
    report += "</ul>";
  }
  if (result.enrolled)
    alert("user_enrolled", fmt::format("console: admin '{}' enrolled '{}' from {} ({} accepted)", session->admin, name,
                                       from_camera ? "the camera" : fmt::format("{} uploaded photos", given),
                                       result.accepted));
  const bool refused_input = !result.enrolled && result.error.empty();
  users_reply(res, result.enrolled ? 200 : refused_input ? 422 : 503, *session, report);
}

void ConsoleServer::routes() {
  auto& s = *server_;
  // Every POST changes something: one sent by another site's page is refused
  // before any route sees it, whatever its cookie and token.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
    const auto why = foreign_origin(req.get_header_value("Origin"), req.get_header_value("Referer"),
                                    req.get_header_value("Host"));
    if (!why) return httplib::Server::HandlerResponse::Unhandled;
    spdlog::warn("console: refused POST {} from {}: {}", req.path, req.remote_addr, *why);
    html(res, 403, message_page("Refused", "This request did not come from this console's own pages."));
    return httplib::Server::HandlerResponse::Handled;
  });
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
  s.Get("/live", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = session_of(req, res, true);
    if (!session) return;
    html(res, 200, live_page(options_.device_id, session->admin, session->csrf, options_.live_fps));
  });
  s.Get("/live.mjpg", [this](const httplib::Request& req, httplib::Response& res) { live_stream(req, res); });
  s.Get("/users", [this](const httplib::Request& req, httplib::Response& res) { users_page(req, res); });
  s.Get("/users/edit", [this](const httplib::Request& req, httplib::Response& res) { user_page(req, res); });
  s.Post("/users/change", [this](const httplib::Request& req, httplib::Response& res) { change_user(req, res); });
  s.Post("/users/remove", [this](const httplib::Request& req, httplib::Response& res) { remove_user(req, res); });
  s.Post("/users/enrol", [this](const httplib::Request& req, httplib::Response& res) { enrol(req, res, false); });
  s.Post("/users/enrol-camera", [this](const httplib::Request& req, httplib::Response& res) { enrol(req, res, true); });
  s.Get("/log", [this](const httplib::Request& req, httplib::Response& res) { log_page(req, res); });
  s.Get("/log/face", [this](const httplib::Request& req, httplib::Response& res) {
    if (!session_of(req, res, false)) return;
    // Looked up by the event's id in the log: no file is named by the request.
    auto jpeg = log_ ? log_->face(req.get_param_value("id")) : std::nullopt;
    if (!jpeg) {
      res.status = 404;
      return;
    }
    res.set_content(std::move(*jpeg), "image/jpeg");
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
  s.Post("/control/calibrate", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = session_of(req, res, true);
    if (!session || !csrf_ok(*session, req, res)) return;
    if (req.get_param_value("confirm") != "yes")
      return html(res, 400, message_page("Not calibrated", "Tick that a real person stands at the door."));
    const auto result = door_.calibrate_liveness();
    if (result.calibrated)
      alert("liveness_calibrated", fmt::format("console: admin '{}': {}", session->admin, result.message));
    html(res, result.calibrated ? 200 : 422,
         message_page(result.calibrated ? "Liveness calibrated" : "Not calibrated", result.message));
  });
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
    // Called for every status from 400 on: a reply a handler wrote stays.
    if (!res.body.empty()) return;
    if (res.status == 404) html(res, 404, message_page("Not found", "There is no such page."));
    if (res.status == 413) html(res, 413, message_page("Too large", "The request is larger than the console takes."));
  });
}

}  // namespace portier
