// The console over real TLS (libcurl against the running server, the
// certificate made by tls_identity and trusted as the browser would after
// checking its fingerprint): what a visitor without a session, a forged
// form, an oversized request and a plain-HTTP client get; what a logged-in
// admin can do, and that each action is an event naming them.
#include "console/console_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <mutex>

#include "console/tls_identity.h"
#include "tests/test_support.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

class Door final : public DoorConsole {
 public:
  ConsoleStatus status() override {
    std::lock_guard lock(mutex_);
    ConsoleStatus s;
    s.device_id = "test-door";
    s.face_access_armed = armed_;
    s.captured = 42;
    return s;
  }
  void set_face_access(bool armed) override {
    std::lock_guard lock(mutex_);
    armed_ = armed;
  }
  void unlock(std::chrono::milliseconds hold) override {
    std::lock_guard lock(mutex_);
    pulses_.push_back(hold);
  }
  bool armed() {
    std::lock_guard lock(mutex_);
    return armed_;
  }
  std::vector<std::chrono::milliseconds> pulses() {
    std::lock_guard lock(mutex_);
    return pulses_;
  }

 private:
  std::mutex mutex_;
  bool armed_ = true;
  std::vector<std::chrono::milliseconds> pulses_;
};

class Alerts final : public EventSink {
 public:
  void publish(const AccessEvent&) override {}
  void publish(const AlertEvent& a) override {
    std::lock_guard lock(mutex_);
    alerts_.push_back(a);
  }
  std::vector<AlertEvent> named(const std::string& kind) {
    std::lock_guard lock(mutex_);
    std::vector<AlertEvent> out;
    for (const auto& a : alerts_)
      if (a.alert == kind) out.push_back(a);
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<AlertEvent> alerts_;
};

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string headers, body;
  std::string header(const std::string& name) const {
    const auto at = headers.find("\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 3;
    return headers.substr(start, headers.find('\r', start) - start);
  }
};

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Rig {
  test::TempDir dir;
  TlsIdentity tls;
  AdminAccounts accounts{dir / "console.db"};
  Door door;
  Alerts alerts;
  std::unique_ptr<ConsoleServer> server;
  std::string cookie;

  explicit Rig(std::chrono::seconds idle = std::chrono::minutes(15)) {
    auto made = ensure_self_signed(dir.path(), "test-door");
    tls = std::get<TlsIdentity>(made);
    ConsoleOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.cert_file = tls.cert_file;
    o.key_file = tls.key_file;
    o.device_id = "test-door";
    o.unlock_hold = 2500ms;
    o.idle_timeout = idle;
    o.max_request_bytes = 64 * 1024;
    server = std::make_unique<ConsoleServer>(o, accounts, door, alerts);
    auto why = server->start();
    EXPECT_FALSE(why) << *why;
  }

  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& scheme = "https") {
    Reply r;
    CURL* curl = curl_easy_init();
    const std::string url = scheme + "://test-door:" + std::to_string(server->port()) + path;
    curl_slist* resolve = curl_slist_append(nullptr, ("test-door:" + std::to_string(server->port()) + ":127.0.0.1").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.cert_file.c_str());  // verified: name and chain
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // "/../" reaches the server as typed
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    if (!cookie.empty()) curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
    if (method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    r.code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(resolve);
    curl_easy_cleanup(curl);
    return r;
  }

  // Logs in; the CSRF token of the status page.
  std::string log_in(const std::string& name = "ann", const std::string& password = "a long password") {
    auto r = request("POST", "/login", "name=" + name + "&password=" + password);
    EXPECT_EQ(r.status, 303) << r.body;
    const auto set = r.header("Set-Cookie");
    cookie = set.substr(0, set.find(';'));
    const auto page = request("GET", "/").body;
    const auto at = page.find("name=\"csrf\" value=\"");
    EXPECT_NE(at, std::string::npos) << page;
    return page.substr(at + 19, 64);
  }
};

TEST(ConsoleServer, WithoutAnAdminEveryPageSaysHowToMakeOne) {
  Rig rig;
  for (const auto& path : {"/", "/login"}) {
    const auto r = rig.request("GET", path);
    EXPECT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_NE(r.body.find("portier console user add NAME"), std::string::npos) << r.body;
  }
  EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=whatever12").status, 403) << "no default password";
}

TEST(ConsoleServer, WithoutASessionPagesGoToLoginAndTheApiSays401) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  auto r = rig.request("GET", "/");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/login");
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401);
  EXPECT_EQ(rig.request("POST", "/control/unlock", "confirm=yes").status, 303);
  EXPECT_TRUE(rig.door.pulses().empty());
  rig.cookie = "portier_session=" + std::string(64, 'a');
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401) << "a made-up token is no session";
}

TEST(ConsoleServer, ALoginSetsASecureHttpOnlyStrictCookieAndShowsTheDoor) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=wrong%20password").status, 401);
  auto r = rig.request("POST", "/login", "name=ann&password=a%20long%20password");
  ASSERT_EQ(r.status, 303) << r.body;
  const auto cookie = r.header("Set-Cookie");
  for (const auto* flag : {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"})
    EXPECT_NE(cookie.find(flag), std::string::npos) << cookie;
  rig.cookie = cookie.substr(0, cookie.find(';'));
  r = rig.request("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("test-door"), std::string::npos);
  EXPECT_NE(r.header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r.header("X-Frame-Options"), "DENY");
  r = rig.request("GET", "/api/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"captured\":42"), std::string::npos) << r.body;
  ASSERT_EQ(rig.alerts.named("console_login").size(), 1u);
  EXPECT_NE(rig.alerts.named("console_login")[0].detail.find("'ann'"), std::string::npos);
}

TEST(ConsoleServer, ActionsNeedTheCsrfTokenAndAreEventsNamingTheAdmin) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  const auto csrf = rig.log_in();
  EXPECT_EQ(rig.request("POST", "/control/disarm", "").status, 403) << "no token";
  EXPECT_EQ(rig.request("POST", "/control/disarm", "csrf=" + std::string(64, '0')).status, 403) << "a wrong token";
  EXPECT_TRUE(rig.door.armed());
  EXPECT_EQ(rig.request("POST", "/control/disarm", "csrf=" + csrf).status, 303);
  EXPECT_FALSE(rig.door.armed());
  ASSERT_EQ(rig.alerts.named("face_access_disarmed").size(), 1u);
  EXPECT_EQ(rig.alerts.named("face_access_disarmed")[0].detail, "console: admin 'ann'");

  EXPECT_EQ(rig.request("POST", "/control/unlock", "csrf=" + csrf).status, 400) << "not confirmed";
  EXPECT_TRUE(rig.door.pulses().empty());
  EXPECT_EQ(rig.request("POST", "/control/unlock", "csrf=" + csrf + "&confirm=yes").status, 303);
  ASSERT_EQ(rig.door.pulses().size(), 1u);
  EXPECT_EQ(rig.door.pulses()[0], 2500ms);
  ASSERT_EQ(rig.alerts.named("remote_unlock").size(), 1u);
  EXPECT_EQ(rig.alerts.named("remote_unlock")[0].detail, "console: admin 'ann' unlocked for 2500 ms");

  EXPECT_EQ(rig.request("POST", "/logout", "csrf=" + csrf).status, 303);
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401) << "logged out";
}

TEST(ConsoleServer, ARemovedAccountOrAChangedPasswordEndsItsSessions) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  rig.log_in();
  EXPECT_EQ(rig.request("GET", "/api/status").status, 200);
  rig.accounts.set_password("ann", "another long password");
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401);
  rig.log_in("ann", "another%20long%20password");
  EXPECT_EQ(rig.request("GET", "/api/status").status, 200);
  rig.accounts.remove("ann");
  EXPECT_EQ(rig.request("GET", "/api/status").status, 403) << "no account at all: the page says how to make one";
}

TEST(ConsoleServer, FiveFailedLoginsBlockForAWhileWithAnAlert) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=guess" + std::to_string(i)).status, 401);
  ASSERT_EQ(rig.alerts.named("console_login_blocked").size(), 1u);
  EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=a%20long%20password").status, 429)
      << "even the right password waits out the block";
}

TEST(ConsoleServer, AnIdleSessionEnds) {
  Rig rig(std::chrono::seconds(1));
  rig.accounts.add("ann", "a long password");
  rig.log_in();
  EXPECT_EQ(rig.request("GET", "/api/status").status, 200);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401);
}

TEST(ConsoleServer, OversizedRequestsUnknownPathsAndPlainHttpAreRefused) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  const auto csrf = rig.log_in();
  EXPECT_EQ(rig.request("POST", "/control/arm", "csrf=" + csrf + "&pad=" + std::string(100 * 1024, 'x')).status, 413);
  EXPECT_EQ(rig.request("GET", "/../../etc/passwd").status, 404);
  EXPECT_EQ(rig.request("GET", "/static/../console.db").status, 404);
  EXPECT_EQ(rig.request("GET", "/static/console.css").status, 200);
  const auto plain = rig.request("GET", "/", "", "http");
  EXPECT_NE(plain.code, CURLE_OK) << "plain HTTP gets no page";
  EXPECT_EQ(plain.body.find("test-door"), std::string::npos);
}

TEST(TlsIdentity, ASelfSignedPairIsMadeOnceWithAnOwnerOnlyKeyAndAFingerprint) {
  test::TempDir dir;
  auto first = ensure_self_signed(dir.path(), "front-door");
  ASSERT_TRUE(std::holds_alternative<TlsIdentity>(first)) << std::get<std::string>(first);
  const auto id = std::get<TlsIdentity>(first);
  EXPECT_EQ(std::filesystem::status(id.key_file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string error;
  const auto fingerprint = certificate_fingerprint(id.cert_file, &error);
  EXPECT_EQ(fingerprint.rfind("SHA256 ", 0), 0u) << error;
  EXPECT_EQ(fingerprint.size(), 7u + 32 * 3 - 1);
  ensure_self_signed(dir.path(), "front-door");
  EXPECT_EQ(certificate_fingerprint(id.cert_file, &error), fingerprint) << "kept, not made again";
  test::write_file(dir / "bad.pem", "not a certificate");
  EXPECT_TRUE(certificate_fingerprint(dir / "bad.pem", &error).empty());
  EXPECT_NE(error.find("not a PEM certificate"), std::string::npos);
}

}  // namespace
}  // namespace portier
