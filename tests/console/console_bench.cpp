// Not a test: how fast the console's access log is, over real TLS, with a
// full log (docs/console.md). Fills a fresh access log with N decisions (a
// ~5 KB face with each), then times what the act stage pays per decision
// (append) and what an admin waits for: the log page, newest and filtered
// (a user, a result, a day, a page deep in the past), and one face.
//
//   console_bench [EVENTS]     (default 10000)
// Prints one JSON object: milliseconds, p50 and p95 of each.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "console/admin_accounts.h"
#include "console/console_server.h"
#include "console/tls_identity.h"
#include "tests/test_support.h"

using namespace portier;

namespace {

class Door final : public DoorConsole {
 public:
  ConsoleStatus status() override { return {}; }
  void set_face_access(bool) override {}
  void unlock(std::chrono::milliseconds) override {}
  void watch(bool) override {}
  std::optional<std::pair<std::uint64_t, std::string>> live_jpeg(std::uint64_t) override { return std::nullopt; }
  ConsoleUsers users() override { return {}; }
  std::optional<std::string> remove_user(const std::string&) override { return std::nullopt; }
  EnrolResult enrol(const std::string&, const std::vector<UploadedPhoto>&) override { return {}; }
  EnrolResult enrol_from_camera(const std::string&) override { return {}; }
  UserChangeResult change_user(const std::string&, const UserChange&) override { return {}; }
  CalibrationResult calibrate_liveness() override { return {}; }
};

class Sink final : public EventSink {
 public:
  void publish(const AccessEvent&) override {}
  void publish(const AlertEvent&) override {}
};

size_t append_to(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Figures {
  double p50 = 0, p95 = 0;
};

Figures percentiles(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]};
}

}  // namespace

int main(int argc, char** argv) {
  const int events = argc > 1 ? std::stoi(argv[1]) : 10000;
  test::TempDir dir;
  auto opened = AccessLog::open(dir / "access-log.db", {});
  if (auto* why = std::get_if<std::string>(&opened)) {
    std::fprintf(stderr, "%s\n", why->c_str());
    return 1;
  }
  auto log = std::move(std::get<std::unique_ptr<AccessLog>>(opened));
  const std::string face(5000, 'j');
  std::vector<double> append_ms;
  const char* users[] = {"ann", "bob", "cid", "dee", "eve", "fay", "gus", "hal", "ida", "rare"};
  for (int n = 0; n < events; ++n) {
    AccessEvent e;
    e.id = new_uuid();
    // Spread over 30 days; "rare" appears once in 100 decisions.
    e.time = fmt::format("2026-11-{:02}T{:02}:00:00.000Z", 1 + n * 30 / events, n % 24);
    e.result = n % 7 ? Verdict::Granted : Verdict::DeniedUnknown;
    if (n % 7) e.user_name = n % 100 == 0 ? "rare" : users[n % 9];
    e.distance = 0.4f;
    e.liveness_score = 0.9;
    e.reason = "benchmark";
    const auto start = std::chrono::steady_clock::now();
    if (auto why = log->append(e, face)) {
      std::fprintf(stderr, "append: %s\n", why->c_str());
      return 1;
    }
    append_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  const auto newest = log->query({}).entries.front().id;
  const auto deep_seq = log->query({}).entries.front().seq - events / 2;

  auto made = ensure_self_signed(dir.path(), "bench-door");
  if (auto* why = std::get_if<std::string>(&made)) {
    std::fprintf(stderr, "%s\n", why->c_str());
    return 1;
  }
  const auto tls = std::get<TlsIdentity>(made);
  AdminAccounts accounts(dir / "console.db");
  accounts.add("ann", "a long password");
  Door door;
  Sink sink;
  ConsoleOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.cert_file = tls.cert_file;
  o.key_file = tls.key_file;
  o.device_id = "bench-door";
  ConsoleServer server(o, accounts, door, sink, log.get());
  if (auto why = server.start()) {
    std::fprintf(stderr, "%s\n", why->c_str());
    return 1;
  }
  const std::string host = "bench-door:" + std::to_string(server.port());
  curl_slist* resolve = curl_slist_append(nullptr, (host + ":127.0.0.1").c_str());
  // One connection kept open, as a browser keeps it: the handshake is paid once.
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl, CURLOPT_CAINFO, tls.cert_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_to);
  curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");
  std::string body;
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  auto fetch = [&](const std::string& path, const std::string& post = "") {
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, ("https://" + host + path).c_str());
    if (post.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.c_str());
    }
    const auto start = std::chrono::steady_clock::now();
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || (status != 200 && status != 303)) {
      std::fprintf(stderr, "%s: %s, HTTP %ld\n", path.c_str(), curl_easy_strerror(code), status);
      std::exit(1);
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  fetch("/login", "name=ann&password=a%20long%20password");
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"log_page_ms", "/log"},
      {"log_rare_user_ms", "/log?user=rare"},
      {"log_result_ms", "/log?result=denied_unknown"},
      {"log_day_ms", "/log?day=2026-11-15"},
      {"log_deep_page_ms", "/log?before=" + std::to_string(deep_seq)},
      {"face_ms", "/log/face?id=" + newest},
  };
  std::string out = fmt::format("{{\"events\": {}, \"face_bytes\": {}", events, log->face_bytes());
  const auto a = percentiles(append_ms);
  out += fmt::format(", \"append_ms\": {{\"p50\": {:.3f}, \"p95\": {:.3f}}}", a.p50, a.p95);
  for (const auto& [name, path] : pages) {
    std::vector<double> ms;
    for (int i = 0; i < 50; ++i) ms.push_back(fetch(path));
    const auto f = percentiles(ms);
    out += fmt::format(", \"{}\": {{\"p50\": {:.2f}, \"p95\": {:.2f}}}", name, f.p50, f.p95);
  }
  std::printf("%s}\n", out.c_str());
  curl_easy_cleanup(curl);
  curl_slist_free_all(resolve);
  server.stop();
  return 0;
}
