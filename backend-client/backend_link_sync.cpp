// Users and the access policy from the backend (docs/protocol.md). Both
// take the same road: a failure leaves the gallery as it was, is logged and
// stored as an alert; the reply to a remote command says how it went.
// BackendLink is in backend_link.h.
#include "backend-client/backend_link.h"

#include <spdlog/spdlog.h>

#include "backend-client/user_sync.h"

namespace portier {

// The two syncs' shared road; `pull` runs the download into the gallery.
template <typename T, typename Pull>
std::variant<T, std::string> BackendLink::run_sync(const SyncJob& job, Pull&& pull) {
  if (!sync_client_) return std::string(job.what) + " needs backend.url";
  auto result = pull(*sync_client_);
  if (auto* why = std::get_if<std::string>(&result)) {
    spdlog::error("{} failed, {}: {}", job.what, job.on_failure, *why);
    store_alert(job.alert, *why);
  }
  return result;
}

std::variant<size_t, std::string> BackendLink::sync_users_now() {
  static constexpr SyncJob kUsers{"user sync", "the gallery is unchanged", "user_sync_failed"};
  auto result = run_sync<size_t>(kUsers, [&](HttpsClient& client) {
    return sync_users(client, options_.gallery_file, options_.config.https.timeout);
  });
  if (auto* users = std::get_if<size_t>(&result)) spdlog::info("user sync: {} users from the backend", *users);
  return result;
}

std::variant<PolicySyncResult, std::string> BackendLink::sync_policy_now() {
  static constexpr SyncJob kPolicy{"access policy sync", "the policy in force stands", "policy_sync_failed"};
  auto result = run_sync<PolicySyncResult>(kPolicy, [&](HttpsClient& client) {
    return sync_policy(client, options_.gallery_file, options_.config.https.timeout, options_.policy_check);
  });
  if (auto* r = std::get_if<PolicySyncResult>(&result))
    spdlog::info("access policy sync: {} (version {})", r->changed ? "a new policy" : "unchanged",
                 r->version.empty() ? "none" : r->version);
  return result;
}

}  // namespace portier
