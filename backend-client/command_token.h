// Remote commands arrive as JWTs signed with HMAC-SHA256 (HS256) under a key
// this device shares with the backend. TLS says who the broker is; the
// signature says the backend, and nobody else on the broker, sent this
// command; the issue time and nonce say it is not an old one played again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace portier {

enum class CommandName { Unlock, Arm, Disarm, SyncUsers, SyncPolicy };
const char* to_string(CommandName name);

struct Command {
  CommandName name = CommandName::Unlock;
  std::string request_id;  // echoed in the reply
  std::string nonce;       // the JWT's jti: refused if seen before
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;  // until when the nonce must be remembered
  std::optional<std::chrono::milliseconds> hold;  // unlock: how long
};

struct CommandRefusal {
  std::string reason;
  std::optional<std::string> request_id;  // when it could be read, for the reply
  std::string command;                    // likewise ("" when unknown)
};

struct CommandPolicy {
  std::string device_id;                 // the token's "aud" must name this device
  std::chrono::seconds max_age{60};      // older tokens are refused
  std::chrono::seconds clock_skew{30};   // tolerated for tokens from the future
};

// Checks signature, algorithm, audience, age and claims. `now_unix`: the
// current time in seconds. Replays are checked by the caller (NonceStore).
std::variant<Command, CommandRefusal> verify_command(std::string_view token, std::string_view key,
                                                      const CommandPolicy& policy, std::int64_t now_unix);

// For tests and tools: an HS256 token over `claims`.
std::string sign_command(const nlohmann::json& claims, std::string_view key);

}  // namespace portier
