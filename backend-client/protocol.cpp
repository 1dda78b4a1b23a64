#include "backend-client/protocol.h"

#include <cctype>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include <fmt/format.h>

#include "access/card_directory.h"
#include "access/pin_directory.h"
#include "access/time_format.h"
#include "access/user_groups.h"

namespace portier {
namespace {

using json = nlohmann::json;

Parsed<json> parse_object(std::string_view body, size_t max_bytes) {
  if (body.size() > max_bytes) return fmt::format("reply of {} bytes is over the {} byte limit", body.size(), max_bytes);
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string("reply is not JSON");
  if (!j.is_object()) return std::string("reply is not a JSON object");
  return j;
}

std::optional<std::string> optional_string(const json& j, const char* key, size_t max_len, std::string& error) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  if (!j[key].is_string()) {
    error = fmt::format("'{}' must be a string", key);
    return std::nullopt;
  }
  auto s = j[key].get<std::string>();
  if (s.size() > max_len) error = fmt::format("'{}' is longer than {} characters", key, max_len);
  return s;
}

int digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::string events_request(const std::string& device_id, const std::vector<std::string>& events) {
  // The events are already serialised: splice them in rather than parse them again.
  std::string body = json{{"device_id", device_id}}.dump();
  body.pop_back();
  body += ",\"events\":[";
  for (size_t i = 0; i < events.size(); ++i) body += (i ? "," : "") + events[i];
  body += "]}";
  return body;
}

std::optional<std::string> check_events_reply(std::string_view body, size_t sent) {
  auto parsed = parse_object(body, kMaxMessageBytes);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const json& j = std::get<json>(parsed);
  if (!j.contains("accepted") || !j["accepted"].is_number_integer()) return std::string("reply lacks an integer 'accepted'");
  const auto accepted = j["accepted"].get<std::int64_t>();
  if (accepted != static_cast<std::int64_t>(sent))
    return fmt::format("backend accepted {} of {} events", accepted, sent);
  return std::nullopt;
}

std::string verify_request(const VerifyRequest& r) {
  auto optional = [](const auto& v) { return v ? json(*v) : json(nullptr); };
  json j{{"request_id", r.request_id},
         {"device_id", r.device_id},
         {"track_id", r.track_id},
         {"embedding", r.embedding},
         {"liveness_score", optional(r.liveness_score)},
         {"local", {{"result", r.local_result},
                    {"user_id", optional(r.local_user_id)},
                    {"user_name", optional(r.local_user_name)},
                    {"distance", optional(r.local_distance)}}},
         {"time", r.time}};
  if (r.face_jpeg_base64) j["face_jpeg"] = *r.face_jpeg_base64;
  return j.dump();
}

Parsed<VerifyReply> parse_verify_reply(std::string_view body) {
  auto parsed = parse_object(body, kMaxMessageBytes);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const json& j = std::get<json>(parsed);
  if (!j.contains("access_granted") || !j["access_granted"].is_boolean())
    return std::string("reply lacks a boolean 'access_granted'");
  VerifyReply r;
  r.access_granted = j["access_granted"].get<bool>();
  if (j.contains("user_id") && !j["user_id"].is_null()) {
    if (!j["user_id"].is_number_integer()) return std::string("'user_id' must be an integer or null");
    r.user_id = j["user_id"].get<std::int64_t>();
  }
  std::string error;
  r.user_name = optional_string(j, "user_name", 200, error);
  if (auto reason = optional_string(j, "reason", 500, error)) r.reason = *reason;
  if (!error.empty()) return error;
  return r;
}

Parsed<std::vector<SyncedUser>> parse_users_reply(std::string_view body) {
  auto parsed = parse_object(body, kMaxUserListBytes);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const json& j = std::get<json>(parsed);
  if (!j.contains("users") || !j["users"].is_array()) return std::string("reply lacks a 'users' list");
  std::vector<SyncedUser> users;
  std::set<std::string> names, ids;
  std::map<std::string, std::string> card_holders;  // card -> the user it was given to
  for (size_t i = 0; i < j["users"].size(); ++i) {
    const json& u = j["users"][i];
    const auto where = [&](const std::string& what) { return fmt::format("users[{}]: {}", i, what); };
    if (!u.is_object()) return where("not an object");
    SyncedUser user;
    if (u.contains("id") && u["id"].is_string()) user.external_id = u["id"].get<std::string>();
    else if (u.contains("id") && u["id"].is_number_integer()) user.external_id = std::to_string(u["id"].get<std::int64_t>());
    else return where("'id' must be a string or an integer");
    if (user.external_id.empty() || user.external_id.size() > 128) return where("'id' must be 1 to 128 characters");
    if (!u.contains("name") || !u["name"].is_string()) return where("'name' must be a string");
    user.name = u["name"].get<std::string>();
    if (user.name.empty() || user.name.size() > 200) return where("'name' must be 1 to 200 characters");
    if (!names.insert(user.name).second) return where("name '" + user.name + "' appears twice");
    if (!ids.insert(user.external_id).second) return where("id '" + user.external_id + "' appears twice");
    if (!u.contains("embeddings") || !u["embeddings"].is_array() || u["embeddings"].empty())
      return where("'embeddings' must be a non-empty list");
    for (size_t e = 0; e < u["embeddings"].size(); ++e) {
      const json& v = u["embeddings"][e];
      if (!v.is_array() || v.size() != kEmbeddingSize)
        return where(fmt::format("embeddings[{}] must hold {} numbers", e, kEmbeddingSize));
      Embedding emb{};
      for (size_t k = 0; k < kEmbeddingSize; ++k) {
        if (!v[k].is_number()) return where(fmt::format("embeddings[{}][{}] is not a number", e, k));
        const double x = v[k].get<double>();
        if (!std::isfinite(x) || std::abs(x) > 10.0) return where(fmt::format("embeddings[{}][{}] is out of range", e, k));
        emb[k] = static_cast<float>(x);
      }
      user.embeddings.push_back(emb);
    }
    for (const auto* key : {"valid_from", "valid_until"}) {
      if (!u.contains(key) || u[key].is_null()) continue;
      if (!u[key].is_string()) return where(fmt::format("'{}' must be an RFC 3339 time or null", key));
      auto t = parse_rfc3339(u[key].get<std::string>());
      if (!t) return where(fmt::format("'{}' is not an RFC 3339 time", key));
      (std::string(key) == "valid_from" ? user.valid_from : user.valid_until) = t;
    }
    if (user.valid_from && user.valid_until && *user.valid_until <= *user.valid_from)
      return where("'valid_until' is not after 'valid_from'");
    if (u.contains("cards")) {
      if (!u["cards"].is_array() || u["cards"].size() > kMaxCardsPerUser)
        return where(fmt::format("'cards' must be a list of at most {} card numbers", kMaxCardsPerUser));
      for (size_t c = 0; c < u["cards"].size(); ++c) {
        if (!u["cards"][c].is_string()) return where(fmt::format("cards[{}] must be a string", c));
        std::string card = u["cards"][c].get<std::string>();
        for (auto& ch : card) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (auto problem = card_number_problem(card)) return where(fmt::format("cards[{}]: {}", c, *problem));
        if (auto [it, fresh] = card_holders.emplace(card, user.name); !fresh)
          return where("card " + card + " also belongs to '" + it->second + "'");
        user.cards.push_back(std::move(card));
      }
    }
    if (u.contains("groups")) {
      if (!u["groups"].is_array() || u["groups"].size() > kMaxGroupsPerUser)
        return where(fmt::format("'groups' must be a list of at most {} group names", kMaxGroupsPerUser));
      for (size_t g = 0; g < u["groups"].size(); ++g) {
        if (!u["groups"][g].is_string()) return where(fmt::format("groups[{}] must be a string", g));
        const auto group = u["groups"][g].get<std::string>();
        if (auto problem = group_name_problem(group)) return where(fmt::format("groups[{}]: {}", g, *problem));
        user.groups.push_back(group);
      }
    }
    for (const auto* key : {"pin_hash", "duress_pin_hash"}) {
      if (!u.contains(key) || u[key].is_null()) continue;
      if (!u[key].is_string()) return where(fmt::format("'{}' must be a string or null", key));
      const auto hash = u[key].get<std::string>();
      if (auto problem = pin_hash_problem(hash)) return where(fmt::format("'{}': {}", key, *problem));
      (std::string(key) == "pin_hash" ? user.pin_hash : user.duress_pin_hash) = hash;
    }
    if (u.contains("mode") && !u["mode"].is_null()) {
      const auto mode = u["mode"].is_string() ? parse_verification_mode(u["mode"].get<std::string>()) : std::nullopt;
      if (!mode) return where("'mode' must be null or one of face, card, card|face, card+face, face+pin, card+pin");
      user.mode = mode;
    }
    if (user.pin_hash.empty() && !user.duress_pin_hash.empty())
      return where("'duress_pin_hash' needs a 'pin_hash': a duress PIN is the usual PIN's alternative");
    users.push_back(std::move(user));
  }
  return users;
}

std::string status_message(const std::string& device_id, bool online, const std::string& version, std::int64_t outbox) {
  json j{{"device_id", device_id}, {"status", online ? "online" : "offline"}};
  if (online) {
    j["version"] = version;
    j["outbox"] = outbox;
    j["time"] = rfc3339_utc(std::chrono::system_clock::now());
  }
  return j.dump();
}

std::string door_state_message(const std::string& device_id, const DoorStateMessage& s) {
  return json{{"device_id", device_id},
              {"lock", s.unlocked ? "unlocked" : "locked"},
              {"door", s.door_open ? (*s.door_open ? "open" : "closed") : "unknown"},
              {"face_access", s.face_access_armed ? "armed" : "disarmed"},
              {"time", rfc3339_utc(std::chrono::system_clock::now())}}
      .dump();
}

std::string command_reply(const std::optional<std::string>& request_id, const std::string& command, bool ok,
                          const std::string& error) {
  return json{{"request_id", request_id ? json(*request_id) : json(nullptr)},
              {"command", command},
              {"ok", ok},
              {"error", ok ? json(nullptr) : json(error)},
              {"time", rfc3339_utc(std::chrono::system_clock::now())}}
      .dump();
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const size_t start = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == start || at - start > 9) return std::nullopt;
  }
  int offset_minutes = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    const int oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset_minutes = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  // system_clock counts nanoseconds in 64 bits, which end in 2262. Later
  // times ("9999-12-31T23:59:59Z" for "for ever") mean "never reached".
  constexpr std::time_t kLast = 9'000'000'000;  // 2255
  if (t > kLast) return std::chrono::system_clock::time_point::max();
  return std::chrono::system_clock::from_time_t(t) - std::chrono::minutes(offset_minutes);
}

}  // namespace portier
