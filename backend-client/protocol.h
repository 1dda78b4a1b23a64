// The messages between the device and the backend (docs/protocol.md): pure
// functions that build requests and parse replies. Every parser takes
// untrusted bytes and returns the value or one line saying what is wrong;
// none throws, whatever it is given (tests/fuzz exercises them).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/verification_mode.h"
#include "models/face_types.h"

namespace portier {

// Larger replies and commands are refused unread: no legitimate one comes near.
inline constexpr size_t kMaxMessageBytes = 64 * 1024;
// The user list is the exception: 128 numbers per embedding add up.
inline constexpr size_t kMaxUserListBytes = 64 * 1024 * 1024;
inline constexpr size_t kMaxCardsPerUser = 16;
inline constexpr size_t kMaxGroupsPerUser = 32;

template <class T>
using Parsed = std::variant<T, std::string>;

// POST /api/events: {"device_id", "events": [...]}; each event is already JSON.
std::string events_request(const std::string& device_id, const std::vector<std::string>& events);
// A 2xx reply must say {"accepted": n} with n = the events sent; anything
// else leaves them in the outbox.
std::optional<std::string> check_events_reply(std::string_view body, size_t sent);

struct VerifyRequest {
  std::string request_id;
  std::string device_id;
  std::uint64_t track_id = 0;
  Embedding embedding{};
  std::optional<double> liveness_score;
  std::string local_result;  // what the device would decide alone
  std::optional<std::int64_t> local_user_id;
  std::optional<std::string> local_user_name;
  std::optional<float> local_distance;
  std::optional<std::string> face_jpeg_base64;
  std::string time;
};
std::string verify_request(const VerifyRequest& request);

struct VerifyReply {
  bool access_granted = false;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user_name;
  std::string reason;
};
Parsed<VerifyReply> parse_verify_reply(std::string_view body);

struct SyncedUser {
  std::string external_id;  // the backend's id, as text
  std::string name;
  std::vector<Embedding> embeddings;
  std::optional<std::chrono::system_clock::time_point> valid_from, valid_until;
  std::vector<std::string> cards;   // optional in the reply: none
  std::vector<std::string> groups;  // optional: none (no schedule restricts the user)
  std::string pin_hash;             // optional: no PIN; argon2id strings, never digits
  std::string duress_pin_hash;
  std::optional<VerificationMode> mode;  // optional: the door's mode (applies only when stricter)
};
// GET /api/users: {"users": [...]}. All or nothing: one bad user refuses
// the whole list, so a half-understood list never replaces the gallery.
Parsed<std::vector<SyncedUser>> parse_users_reply(std::string_view body);

// Retained status and door state (MQTT).
std::string status_message(const std::string& device_id, bool online, const std::string& version, std::int64_t outbox);
struct DoorStateMessage {
  bool unlocked = false;
  std::optional<bool> door_open;  // no contact wired: unknown
  bool face_access_armed = true;
  bool operator==(const DoorStateMessage&) const = default;
};
std::string door_state_message(const std::string& device_id, const DoorStateMessage& state);

// The reply to a remote command, on the commands/reply topic.
std::string command_reply(const std::optional<std::string>& request_id, const std::string& command, bool ok,
                          const std::string& error);

// RFC 3339 "2026-11-22T10:00:00Z" (fraction optional, Z or +hh:mm).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace portier
