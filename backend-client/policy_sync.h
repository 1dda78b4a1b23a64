#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "access/access_policy.h"
#include "backend-client/https_client.h"

namespace portier {

struct PolicySyncResult {
  bool changed = false;  // false: the backend answered 304, the policy in force stands
  std::string version;   // of the policy now kept
};

// What this device can serve: a policy whose door mode needs a reader it has
// not got is refused like a malformed one. Returns the problem, or nothing.
using PolicyCheck = std::function<std::optional<std::string>(const AccessPolicy&)>;

// Pulls the access policy (GET /api/access-policy, If-None-Match: the ETag of
// the one kept) and keeps it in the gallery in one transaction, where the
// act stage picks it up. A failed download, a document that does not parse
// or that `check` refuses, or a database error leaves the policy as it was.
std::variant<PolicySyncResult, std::string> sync_policy(HttpsClient& client, const std::filesystem::path& gallery_file,
                                                         std::chrono::milliseconds timeout, const PolicyCheck& check);

}  // namespace portier
