#include "backend-client/policy_sync.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "access/gallery.h"

namespace portier {
namespace {
constexpr size_t kMaxPolicyBytes = 4 * 1024 * 1024;
}

std::variant<PolicySyncResult, std::string> sync_policy(HttpsClient& client, const std::filesystem::path& gallery_file,
                                                         std::chrono::milliseconds timeout, const PolicyCheck& check) {
  try {
    Gallery gallery(gallery_file);
    const auto kept = gallery.stored_policy();
    auto got = client.get("/api/access-policy", timeout, kMaxPolicyBytes, kept ? kept->etag : std::string());
    if (auto* why = std::get_if<std::string>(&got)) return *why;
    const auto& response = std::get<HttpResponse>(got);
    if (response.status == 304) {
      if (!kept) return std::string("GET /api/access-policy answered 304, but this device has no policy yet");
      return PolicySyncResult{false, parse_access_policy(nlohmann::json::parse(kept->document)).version};
    }
    if (response.status != 200) return fmt::format("GET /api/access-policy answered HTTP {}", response.status);
    if (response.etag.empty()) return std::string("GET /api/access-policy: the reply has no ETag header");
    AccessPolicy policy;
    try {
      policy = parse_access_policy(nlohmann::json::parse(response.body));
    } catch (const nlohmann::json::exception& e) {
      return std::string("GET /api/access-policy: not JSON: ") + e.what();
    } catch (const PolicyError& e) {
      return std::string("GET /api/access-policy: ") + e.what();
    }
    if (check)
      if (auto problem = check(policy)) return "GET /api/access-policy: " + *problem;
    gallery.store_policy(response.body, response.etag);
    return PolicySyncResult{true, policy.version};
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

}  // namespace portier
