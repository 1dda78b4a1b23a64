// The console over real TLS (libcurl against the running server, the
// certificate made by tls_identity and trusted as the browser would after
// checking its fingerprint): what a visitor without a session, a forged
// form, an oversized request and a plain-HTTP client get; what a logged-in
// admin can do, and that each action is an event naming them.
#include "console/console_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "console/tls_identity.h"
#include "tests/console/test_users.h"
#include "tests/fakes/recording_sink.h"
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
  void watch(bool on) override { watchers_.fetch_add(on ? 1 : -1); }
  // A new frame every call: the seq, and bytes shaped like a JPEG that say it.
  std::optional<std::pair<std::uint64_t, std::string>> live_jpeg(std::uint64_t after) override {
    const std::uint64_t seq = after + 1;
    return std::make_pair(seq, "\xff\xd8 frame " + std::to_string(seq) + " \xff\xd9");
  }
  int watchers() const { return watchers_.load(); }
  ConsoleUsers users() override {
    std::lock_guard lock(mutex_);
    return users_;
  }
  std::optional<std::string> remove_user(const std::string& name) override {
    std::lock_guard lock(mutex_);
    for (auto it = users_.users.begin(); it != users_.users.end(); ++it)
      if (it->name == name) {
        users_.users.erase(it);
        return std::nullopt;
      }
    return "no user named '" + name + "'";
  }
  // Photos whose bytes say "face" are accepted; the others rejected.
  EnrolResult enrol(const std::string& name, const std::vector<UploadedPhoto>& photos) override {
    std::lock_guard lock(mutex_);
    EnrolResult r;
    for (const auto& p : photos) {
      if (p.bytes.find("face") != std::string::npos)
        ++r.accepted;
      else
        r.rejected.emplace_back(p.filename, "no face found");
    }
    r.enrolled = r.accepted > 0;
    // A photo that says so looks like the first user enrolled.
    for (const auto& p : photos)
      if (p.bytes.find("alike") != std::string::npos && !users_.users.empty())
        r.lookalikes = "'" + users_.users.front().name + "' (0.421)";
    if (r.enrolled) users_.users.push_back(person(name, "2026-12-06", "", static_cast<int>(r.accepted), false, {}, {}));
    return r;
  }
  // Groups change as asked; a card number of letters is refused, as the real
  // rule would; every change is kept for the test to read.
  UserChangeResult change_user(const std::string& name, const UserChange& change) override {
    std::lock_guard lock(mutex_);
    changes_.push_back(change);
    UserChangeResult r;
    for (auto& u : users_.users) {
      if (u.name != name) continue;
      if (change.kind == UserChange::Kind::AddCard && change.value.find_first_not_of("0123456789") != std::string::npos) {
        r.error = "a card number is digits";
      } else if (change.kind == UserChange::Kind::AddGroup) {
        u.groups.push_back(change.value);
        r.done = "put in group " + change.value;
        r.note = "no access policy is in force";
      } else {
        r.done = "changed";
      }
      return r;
    }
    r.error = "no enrolled user is called '" + name + "'";
    return r;
  }
  std::vector<UserChange> changes() {
    std::lock_guard lock(mutex_);
    return changes_;
  }
  EnrolResult enrol_from_camera(const std::string&) override {
    EnrolResult r;
    r.error = "no frame came from the camera in 4 s: see the status page";
    return r;
  }
  // The first calibration works, the next finds the faces too spoof-like.
  CalibrationResult calibrate_liveness() override {
    if (calibrations_.fetch_add(1) == 0) return {true, "threshold 0.412 from 40 live faces"};
    return {false, "live faces on this camera score too low"};
  }
  void set_users(ConsoleUsers users) {
    std::lock_guard lock(mutex_);
    users_ = std::move(users);
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
  std::atomic<int> watchers_{0};
  std::atomic<int> calibrations_{0};
  ConsoleUsers users_;
  std::vector<UserChange> changes_;
  bool armed_ = true;
  std::vector<std::chrono::milliseconds> pulses_;
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
  test::RecordingSink alerts;
  std::unique_ptr<AccessLog> log = std::get<std::unique_ptr<AccessLog>>(AccessLog::open(dir / "access-log.db", {}));
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
    o.max_photo_bytes = 16 * 1024;
    server = std::make_unique<ConsoleServer>(o, accounts, door, alerts, log.get());
    auto why = server->start();
    EXPECT_FALSE(why) << *why;
  }

  // The admin 'ann', and these people enrolled at the door.
  void seat(std::vector<ConsoleUser> people, bool from_backend = false) {
    accounts.add("ann", "a long password");
    ConsoleUsers users;
    users.users = std::move(people);
    users.from_backend = from_backend;
    door.set_users(users);
  }

  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& scheme = "https", const std::vector<std::string>& headers = {}) {
    Reply r;
    CURL* curl = curl_easy_init();
    curl_slist* extra = nullptr;
    for (const auto& h : headers) extra = curl_slist_append(extra, h.c_str());
    if (extra) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, extra);
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
    curl_slist_free_all(extra);
    curl_easy_cleanup(curl);
    return r;
  }

  // A multipart form, as a browser sends an upload: (name, value) fields and
  // (filename, bytes) files under "photos".
  Reply upload(const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields,
               const std::vector<std::pair<std::string, std::string>>& photos) {
    Reply r;
    CURL* curl = curl_easy_init();
    const std::string host = "test-door:" + std::to_string(server->port());
    curl_slist* resolve = curl_slist_append(nullptr, (host + ":127.0.0.1").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, ("https://" + host + path).c_str());
    curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    if (!cookie.empty()) curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
    curl_mime* form = curl_mime_init(curl);
    for (const auto& [name, value] : fields) {
      auto* part = curl_mime_addpart(form);
      curl_mime_name(part, name.c_str());
      curl_mime_data(part, value.data(), value.size());
    }
    for (const auto& [filename, bytes] : photos) {
      auto* part = curl_mime_addpart(form);
      curl_mime_name(part, "photos");
      curl_mime_filename(part, filename.c_str());
      curl_mime_type(part, "image/jpeg");
      curl_mime_data(part, bytes.data(), bytes.size());
    }
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
    r.code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_mime_free(form);
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
  ASSERT_EQ(rig.alerts.alerts_named("console_login").size(), 1u);
  EXPECT_NE(rig.alerts.alerts_named("console_login")[0].detail.find("'ann'"), std::string::npos);
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
  ASSERT_EQ(rig.alerts.alerts_named("face_access_disarmed").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("face_access_disarmed")[0].detail, "console: admin 'ann'");

  EXPECT_EQ(rig.request("POST", "/control/unlock", "csrf=" + csrf).status, 400) << "not confirmed";
  EXPECT_TRUE(rig.door.pulses().empty());
  EXPECT_EQ(rig.request("POST", "/control/unlock", "csrf=" + csrf + "&confirm=yes").status, 303);
  ASSERT_EQ(rig.door.pulses().size(), 1u);
  EXPECT_EQ(rig.door.pulses()[0], 2500ms);
  ASSERT_EQ(rig.alerts.alerts_named("remote_unlock").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("remote_unlock")[0].detail, "console: admin 'ann' unlocked for 2500 ms");

  EXPECT_EQ(rig.request("POST", "/control/calibrate", "confirm=yes").status, 403) << "no token";
  EXPECT_EQ(rig.request("POST", "/control/calibrate", "csrf=" + csrf).status, 400) << "not confirmed";
  auto r = rig.request("POST", "/control/calibrate", "csrf=" + csrf + "&confirm=yes");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("threshold 0.412 from 40 live faces"), std::string::npos) << r.body;
  ASSERT_EQ(rig.alerts.alerts_named("liveness_calibrated").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("liveness_calibrated")[0].detail, "console: admin 'ann': threshold 0.412 from 40 live faces");
  r = rig.request("POST", "/control/calibrate", "csrf=" + csrf + "&confirm=yes");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("score too low"), std::string::npos) << "the reason, shown";
  EXPECT_EQ(rig.alerts.alerts_named("liveness_calibrated").size(), 1u) << "nothing calibrated, no event";

  EXPECT_EQ(rig.request("POST", "/logout", "csrf=" + csrf).status, 303);
  EXPECT_EQ(rig.request("GET", "/api/status").status, 401) << "logged out";
}

TEST(ConsoleServer, APostFromAnotherSitesPageIsRefusedEvenWithSessionAndToken) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  const auto csrf = rig.log_in();
  const std::string own = "https://test-door:" + std::to_string(rig.server->port());
  const std::vector<std::string> foreign = {"Origin: https://evil.example", "Origin: null", "Referer: https://evil.example/x",
                                            "Origin: http://test-door:" + std::to_string(rig.server->port())};
  for (const auto& header : foreign) {
    EXPECT_EQ(rig.request("POST", "/control/disarm", "csrf=" + csrf, "https", {header}).status, 403) << header;
    EXPECT_TRUE(rig.door.armed()) << header;
  }
  EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=a long password", "https", {"Origin: https://evil.example"}).status,
            403) << "a login forged from elsewhere too";
  EXPECT_EQ(rig.request("POST", "/control/disarm", "csrf=" + csrf, "https", {"Origin: " + own}).status, 303)
      << "the console's own page";
  EXPECT_FALSE(rig.door.armed());
  EXPECT_EQ(rig.request("POST", "/control/arm", "csrf=" + csrf, "https", {"Referer: " + own + "/"}).status, 303);
  EXPECT_TRUE(rig.door.armed());
  EXPECT_NE(rig.request("GET", "/").header("Referrer-Policy").find("same-origin"), std::string::npos)
      << "so the browser names this origin on the console's own forms";
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
  ASSERT_EQ(rig.alerts.alerts_named("console_login_blocked").size(), 1u);
  EXPECT_EQ(rig.request("POST", "/login", "name=ann&password=a%20long%20password").status, 429)
      << "even the right password waits out the block";
}

TEST(ConsoleServer, AnIdleSessionEnds) {
  // Several seconds: under emulation (the arm64 tests run in qemu) one TLS
  // request can take about one, and the requests up to the first status are
  // not idle time.
  Rig rig(std::chrono::seconds(4));
  rig.accounts.add("ann", "a long password");
  rig.log_in();
  EXPECT_EQ(rig.request("GET", "/api/status").status, 200);
  std::this_thread::sleep_for(4500ms);
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

TEST(ConsoleServer, TheAccessLogIsFilteredPagedAndShowsEachFace) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  const std::string jpeg = "\xff\xd8\xff\xe0 a small face \xff\xd9";
  for (int n = 1; n <= 60; ++n) {
    AccessEvent e;
    e.id = "00000000-0000-4000-8000-" + fmt::format("{:012}", n);
    e.time = "2026-12-05T10:00:00.000Z";
    e.result = n % 2 ? Verdict::Granted : Verdict::DeniedUnknown;
    if (n % 2) e.user_name = n == 59 ? "<script>alert(1)</script>" : "bob";
    e.reason = fmt::format("attempt {}", n);
    ASSERT_FALSE(rig.log->append(e, n == 60 ? jpeg : ""));
  }
  EXPECT_EQ(rig.request("GET", "/log").status, 303) << "no session: the login page";
  EXPECT_EQ(rig.request("GET", "/log/face?id=00000000-0000-4000-8000-000000000060").status, 401);
  rig.log_in();

  auto r = rig.request("GET", "/log");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("/log/face?id=00000000-0000-4000-8000-000000000060"), std::string::npos) << "the newest, with its face";
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos) << "a user's name is escaped";
  EXPECT_NE(r.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(r.body.find("attempt 11<"), std::string::npos);
  EXPECT_EQ(r.body.find("attempt 10<"), std::string::npos) << "50 a page: the 10th is on the next";
  const std::string link = "id=\"older\" href=\"";
  const auto older = r.body.find(link);
  ASSERT_NE(older, std::string::npos);
  const auto from = older + link.size();
  const auto href = r.body.substr(from, r.body.find('"', from) - from);
  r = rig.request("GET", href);
  ASSERT_EQ(r.status, 200) << href;
  EXPECT_NE(r.body.find("attempt 10<"), std::string::npos);
  EXPECT_NE(r.body.find("attempt 1<"), std::string::npos);
  EXPECT_EQ(r.body.find("attempt 11<"), std::string::npos);
  EXPECT_EQ(r.body.find("id=\"older\""), std::string::npos) << "the last page";

  r = rig.request("GET", "/log?user=bob&result=granted");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<td>denied_unknown</td>"), std::string::npos);
  EXPECT_NE(r.body.find("<td>bob</td>"), std::string::npos);
  r = rig.request("GET", "/log?day=2026-12-04");
  EXPECT_NE(r.body.find("no decisions match"), std::string::npos);

  r = rig.request("GET", "/log/face?id=00000000-0000-4000-8000-000000000060");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "image/jpeg");
  EXPECT_EQ(r.body, jpeg);
  EXPECT_EQ(rig.request("GET", "/log/face?id=00000000-0000-4000-8000-000000000059").status, 404) << "kept no face";
  EXPECT_EQ(rig.request("GET", "/log/face?id=../console.db").status, 404);

  EXPECT_EQ(rig.request("GET", "/log?result=opened_anyway").status, 400);
  EXPECT_EQ(rig.request("GET", "/log?day=../../etc").status, 400);
  EXPECT_EQ(rig.request("GET", "/log?before=1;DROP").status, 400);
}

// Reads a live stream until `parts` parts have come (or 10 s): its headers and what came.
struct Stream {
  long status = 0;
  std::string headers, body;
};

Stream watch(Rig& rig, size_t parts) {
  Stream out;
  struct Got {
    std::string* body;
    size_t parts;
  } got{&out.body, parts};
  CURL* curl = curl_easy_init();
  const std::string host = "test-door:" + std::to_string(rig.server->port());
  curl_slist* resolve = curl_slist_append(nullptr, (host + ":127.0.0.1").c_str());
  curl_easy_setopt(curl, CURLOPT_URL, ("https://" + host + "/live.mjpg").c_str());
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl, CURLOPT_CAINFO, rig.tls.cert_file.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_COOKIE, rig.cookie.c_str());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &got);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* p) -> size_t {
    auto* g = static_cast<Got*>(p);
    g->body->append(data, size * n);
    size_t count = 0;
    for (size_t at = g->body->find("--portierframe\r\n"); at != std::string::npos;
         at = g->body->find("--portierframe\r\n", at + 1))
      ++count;
    // A part is whole once the next boundary has come.
    return count > g->parts ? 0 : size * n;
  });
  curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(resolve);
  curl_easy_cleanup(curl);
  return out;
}

TEST(ConsoleServer, TheLiveViewStreamsJpegPartsEachAfterABoundary) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  EXPECT_EQ(watch(rig, 1).status, 401) << "no session, no camera";
  rig.log_in();
  EXPECT_EQ(rig.request("GET", "/live").status, 200);
  const auto s = watch(rig, 3);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_NE(s.headers.find("Content-Type: multipart/x-mixed-replace; boundary=portierframe"), std::string::npos)
      << s.headers;
  // Every part: the boundary, its headers, exactly Content-Length bytes of JPEG.
  size_t at = 0;
  for (int part = 1; part <= 3; ++part) {
    ASSERT_EQ(s.body.compare(at, 16, "--portierframe\r\n"), 0) << "part " << part << ": " << s.body.substr(at, 40);
    at += 16;
    const std::string type = "Content-Type: image/jpeg\r\nContent-Length: ";
    ASSERT_EQ(s.body.compare(at, type.size(), type), 0) << s.body.substr(at, 60);
    at += type.size();
    const auto end = s.body.find("\r\n\r\n", at);
    const size_t length = std::stoul(s.body.substr(at, end - at));
    at = end + 4;
    const std::string jpeg = s.body.substr(at, length);
    EXPECT_EQ(jpeg.substr(0, 2), "\xff\xd8");
    EXPECT_EQ(jpeg.substr(jpeg.size() - 2), "\xff\xd9");
    EXPECT_NE(jpeg.find("frame " + std::to_string(part) + " "), std::string::npos) << jpeg;
    at += length;
    ASSERT_EQ(s.body.compare(at, 2, "\r\n"), 0);
    at += 2;
  }
  // The stream closed: the door stops keeping frames for it.
  for (int i = 0; i < 100 && rig.door.watchers() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(rig.door.watchers(), 0);
}

TEST(ConsoleServer, AThirdLiveViewerIsToldToWait) {
  Rig rig;
  rig.accounts.add("ann", "a long password");
  rig.log_in();
  std::vector<std::thread> viewers;
  for (int i = 0; i < 2; ++i) viewers.emplace_back([&] { watch(rig, 15); });  // 3 s at 5 fps
  for (int i = 0; i < 100 && rig.door.watchers() < 2; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(rig.door.watchers(), 2);
  const auto third = watch(rig, 1);
  EXPECT_EQ(third.status, 503);
  EXPECT_NE(third.body.find("at most"), std::string::npos) << third.body;
  for (auto& v : viewers) v.join();
  for (int i = 0; i < 100 && rig.door.watchers() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(rig.door.watchers(), 0);
  EXPECT_EQ(watch(rig, 1).status, 200) << "a place is free again";
}

TEST(ConsoleServer, UsersAreListedSearchedEnrolledAndRemovedEachAnEventNamingTheAdmin) {
  Rig rig;
  rig.seat({person("anna", "2026-12-01", "card+face", 3, false, {"******1234"}, {"staff"}),
            person("bob", "2026-12-02", "", 1, false, {}, {})});
  EXPECT_EQ(rig.request("GET", "/users").status, 303) << "no session: the login page";
  const auto csrf = rig.log_in();

  auto r = rig.request("GET", "/users?q=ANN");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<td class=\"name\">anna</td>"), std::string::npos);
  EXPECT_NE(r.body.find("******1234"), std::string::npos);
  EXPECT_NE(r.body.find("card+face"), std::string::npos);
  EXPECT_EQ(r.body.find("<td class=\"name\">bob</td>"), std::string::npos) << "filtered out";

  r = rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "cy"}}, {{"front.jpg", "a face"}, {"blurry.jpg", "a blur"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Enrolled cy: 1 photo accepted"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("blurry.jpg: no face found"), std::string::npos) << "each rejection with its reason";
  EXPECT_EQ(r.body.find("id=\"lookalikes\""), std::string::npos) << "cy looks like nobody";
  ASSERT_EQ(rig.alerts.alerts_named("user_enrolled").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("user_enrolled")[0].detail,
            "console: admin 'ann' enrolled 'cy' from 2 uploaded photos (1 accepted)");
  r = rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "cyd"}}, {{"twin.jpg", "a face alike"}});
  ASSERT_EQ(r.status, 200) << "a look-alike is enrolled: " << r.body;
  EXPECT_NE(r.body.find("id=\"lookalikes\">Looks like &#39;anna&#39; (0.421)"), std::string::npos) << r.body;
  r = rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "dee"}}, {{"cat.jpg", "a cat"}});
  EXPECT_EQ(r.status, 422) << "nothing usable: nothing enrolled";
  EXPECT_NE(r.body.find("Nothing enrolled for dee"), std::string::npos);

  // Limits and forgeries, each refused with its own answer, nothing enrolled.
  EXPECT_EQ(rig.upload("/users/enrol", {{"name", "eve"}}, {{"a.jpg", "a face"}}).status, 403) << "no CSRF token";
  EXPECT_EQ(rig.upload("/users/enrol", {{"csrf", csrf}, {"name", ""}}, {{"a.jpg", "a face"}}).status, 400);
  EXPECT_EQ(rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "eve"}}, {}).status, 400) << "no photo";
  std::vector<std::pair<std::string, std::string>> six(6, {"a.jpg", "a face"});
  r = rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "eve"}}, six);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("At most 5 photos"), std::string::npos);
  r = rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "eve"}}, {{"huge.jpg", std::string(20 * 1024, 'f')}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("huge.jpg: larger than"), std::string::npos) << r.body;
  EXPECT_EQ(rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "eve"}}, {{"x.jpg", std::string(100 * 1024, 'f')}}).status,
            413)
      << "past the request cap";
  for (const auto& u : rig.door.users().users) EXPECT_NE(u.name, "eve");

  r = rig.request("POST", "/users/enrol-camera", "csrf=" + csrf + "&name=fay");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("no frame came from the camera"), std::string::npos);

  EXPECT_EQ(rig.request("POST", "/users/remove", "name=bob").status, 403) << "no CSRF token";
  EXPECT_EQ(rig.request("POST", "/users/remove", "csrf=" + csrf + "&name=bob").status, 303);
  ASSERT_EQ(rig.alerts.alerts_named("user_removed").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("user_removed")[0].detail, "console: admin 'ann' removed 'bob'");
  EXPECT_EQ(rig.request("POST", "/users/remove", "csrf=" + csrf + "&name=bob").status, 404);
  std::vector<std::string> names;
  for (const auto& u : rig.door.users().users) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"anna", "cy", "cyd"}));
}

TEST(ConsoleServer, AUsersCardsGroupsModeValidityAndPinAreChangedOnItsPageEachAnEventNamingTheAdmin) {
  Rig rig;
  rig.seat({person("anna", "2026-12-01", "", 3, false, {"******1234", "******9876"}, {"staff"})});
  EXPECT_EQ(rig.request("GET", "/users/edit?name=anna").status, 303) << "no session: the login page";
  const auto csrf = rig.log_in();

  auto r = rig.request("GET", "/users/edit?name=anna");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h2 id=\"user\">anna</h2>"), std::string::npos);
  EXPECT_NE(r.body.find("******9876"), std::string::npos);
  EXPECT_EQ(rig.request("GET", "/users/edit?name=nobody").status, 404);
  EXPECT_NE(rig.request("GET", "/users").body.find("href=\"/users/edit?name=anna\""), std::string::npos);

  r = rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=group-add&value=night");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("anna: put in group night."), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Note: no access policy is in force."), std::string::npos);
  EXPECT_NE(r.body.find("<li>night "), std::string::npos) << "the page shows the user as they are now";
  ASSERT_EQ(rig.alerts.alerts_named("user_changed").size(), 1u);
  EXPECT_EQ(rig.alerts.alerts_named("user_changed")[0].detail, "console: admin 'ann': 'anna' put in group night");

  // The form's fields reach the door as the change they describe.
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=card-remove&index=1&value=******9876").status,
            200);
  EXPECT_EQ(rig.request("POST", "/users/change",
                        "csrf=" + csrf + "&name=anna&what=valid&from=2026-12-01&until=2026-12-24").status,
            200);
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=mode&value=card%2Bpin").status, 200);
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=pin-set&value=482913").status, 200);
  const auto changes = rig.door.changes();
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[1].kind, UserChange::Kind::RemoveCard);
  EXPECT_EQ(changes[1].index, 1u);
  EXPECT_EQ(changes[1].value, "******9876");
  EXPECT_EQ(changes[2].kind, UserChange::Kind::SetValidity);
  EXPECT_EQ(changes[2].from, "2026-12-01");
  EXPECT_EQ(changes[2].until, "2026-12-24");
  EXPECT_EQ(changes[3].kind, UserChange::Kind::SetMode);
  EXPECT_EQ(changes[3].value, "card+pin");
  EXPECT_EQ(changes[4].kind, UserChange::Kind::SetPin);
  for (const auto& a : rig.alerts.alerts_named("user_changed")) EXPECT_EQ(a.detail.find("482913"), std::string::npos) << "no PIN in an event";

  // Refusals: each its own answer, and no change reaches the door.
  r = rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=card-add&value=abc");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("a card number is digits"), std::string::npos);
  const size_t tried = rig.door.changes().size();
  EXPECT_EQ(rig.request("POST", "/users/change", "name=anna&what=group-add&value=x").status, 403) << "no CSRF token";
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=explode").status, 400);
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=anna&what=card-remove&value=x").status, 400)
      << "which card: no index";
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=nobody&what=group-add&value=x").status, 404);
  EXPECT_EQ(rig.door.changes().size(), tried);
}

TEST(ConsoleServer, WhereTheBackendOwnsTheUsersThePageChangesNone) {
  Rig rig;
  rig.seat({person("bob", "2026-12-02", "", 1, true, {}, {})}, true);
  const auto csrf = rig.log_in();
  const auto page = rig.request("GET", "/users");
  EXPECT_NE(page.body.find("id=\"from-backend\""), std::string::npos);
  EXPECT_EQ(page.body.find("action=\"/users/enrol\""), std::string::npos);
  EXPECT_EQ(rig.upload("/users/enrol", {{"csrf", csrf}, {"name", "cy"}}, {{"a.jpg", "a face"}}).status, 409);
  EXPECT_EQ(rig.request("POST", "/users/remove", "csrf=" + csrf + "&name=bob").status, 409);
  EXPECT_EQ(rig.request("GET", "/users/edit?name=bob").status, 409);
  EXPECT_EQ(rig.request("POST", "/users/change", "csrf=" + csrf + "&name=bob&what=group-add&value=x").status, 409);
  EXPECT_EQ(rig.door.users().users.size(), 1u);
  EXPECT_TRUE(rig.door.changes().empty());
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
