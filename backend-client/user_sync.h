#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <variant>

#include "backend-client/https_client.h"

namespace portier {

// Pulls the enrolled users from the backend (GET /api/users) and replaces
// the gallery with them in one transaction. A failed download, a reply that
// does not parse, or a database error leaves the gallery as it was.
// Returns the number of users, or why nothing changed.
std::variant<size_t, std::string> sync_users(HttpsClient& client, const std::filesystem::path& gallery_file,
                                             std::chrono::milliseconds timeout);

}  // namespace portier
