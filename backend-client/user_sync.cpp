#include "backend-client/user_sync.h"

#include <fmt/format.h>

#include "access/gallery.h"
#include "backend-client/protocol.h"

namespace portier {

std::variant<size_t, std::string> sync_users(HttpsClient& client, const std::filesystem::path& gallery_file,
                                             std::chrono::milliseconds timeout) {
  auto got = client.get("/api/users", timeout, kMaxUserListBytes);
  if (auto* why = std::get_if<std::string>(&got)) return *why;
  const auto& response = std::get<HttpResponse>(got);
  if (response.status != 200) return fmt::format("GET /api/users answered HTTP {}", response.status);
  auto parsed = parse_users_reply(response.body);
  if (auto* why = std::get_if<std::string>(&parsed)) return "GET /api/users: " + *why;
  std::vector<Gallery::Entry> entries;
  for (auto& u : std::get<std::vector<SyncedUser>>(parsed)) {
    Gallery::Entry e;
    e.external_id = u.external_id;
    e.name = u.name;
    e.embeddings = std::move(u.embeddings);
    e.validity = Validity{u.valid_from, u.valid_until};
    e.cards = std::move(u.cards);
    e.groups = std::move(u.groups);
    e.mode = u.mode;
    if (!u.pin_hash.empty()) e.pin = PinRecord{u.pin_hash, u.duress_pin_hash};
    entries.push_back(std::move(e));
  }
  try {
    Gallery gallery(gallery_file);
    return gallery.replace_all(entries, "backend sync");
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

}  // namespace portier
