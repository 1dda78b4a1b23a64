#include "backend-client/command_token.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "backend-client/protocol.h"

namespace portier {
namespace {

using json = nlohmann::json;
using Jwt = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

std::optional<CommandName> command_named(const std::string& s) {
  if (s == "unlock") return CommandName::Unlock;
  if (s == "arm") return CommandName::Arm;
  if (s == "disarm") return CommandName::Disarm;
  if (s == "sync-users") return CommandName::SyncUsers;
  if (s == "sync-policy") return CommandName::SyncPolicy;
  return std::nullopt;
}

json claims_of(jwt_t* jwt) {
  char* text = jwt_get_grants_json(jwt, nullptr);
  if (!text) return json();
  std::unique_ptr<char, decltype(&std::free)> owned(text, std::free);
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

bool names_device(const json& aud, const std::string& device) {
  if (aud.is_string()) return aud.get<std::string>() == device;
  if (aud.is_array())
    for (const auto& a : aud)
      if (a.is_string() && a.get<std::string>() == device) return true;
  return false;
}

}  // namespace

const char* to_string(CommandName name) {
  switch (name) {
    case CommandName::Unlock: return "unlock";
    case CommandName::Arm: return "arm";
    case CommandName::Disarm: return "disarm";
    case CommandName::SyncUsers: return "sync-users";
    case CommandName::SyncPolicy: return "sync-policy";
  }
  return "unknown";
}

std::variant<Command, CommandRefusal> verify_command(std::string_view token_in, std::string_view key,
                                                      const CommandPolicy& policy, std::int64_t now) {
  CommandRefusal refusal;
  if (token_in.size() > kMaxMessageBytes) {
    refusal.reason = fmt::format("command of {} bytes is over the {} byte limit", token_in.size(), kMaxMessageBytes);
    return refusal;
  }
  std::string token(token_in);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty() || token.find('\0') != std::string::npos) {
    refusal.reason = "empty or binary command";
    return refusal;
  }

  // Read, without trusting, who asked: a refusal is more use with the
  // request id the sender will look for.
  {
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, token.c_str(), nullptr, 0) == 0) {
      Jwt unverified(raw, jwt_free);
      const json claims = claims_of(unverified.get());
      if (claims.is_object()) {
        if (claims.contains("request_id") && claims["request_id"].is_string() &&
            claims["request_id"].get<std::string>().size() <= 128)
          refusal.request_id = claims["request_id"].get<std::string>();
        if (claims.contains("command") && claims["command"].is_string() &&
            claims["command"].get<std::string>().size() <= 32)
          refusal.command = claims["command"].get<std::string>();
      }
    }
  }
  if (key.empty()) {
    refusal.reason = "remote commands are disabled on this device (no mqtt.command_key_file)";
    return refusal;
  }

  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())) != 0) {
    refusal.reason = "not a validly signed token (malformed, or the signature does not match this device's key)";
    return refusal;
  }
  Jwt jwt(raw, jwt_free);
  // libjwt accepts "alg":"none" without checking any signature: only HS256 is allowed here.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    refusal.reason = "token is not signed with HS256";
    return refusal;
  }
  const json claims = claims_of(jwt.get());
  if (!claims.is_object()) {
    refusal.reason = "token claims are not a JSON object";
    return refusal;
  }
  auto text = [&](const char* k, size_t min, size_t max) -> std::optional<std::string> {
    if (!claims.contains(k) || !claims[k].is_string()) return std::nullopt;
    auto s = claims[k].get<std::string>();
    if (s.size() < min || s.size() > max) return std::nullopt;
    return s;
  };
  Command c;
  const auto name = text("command", 1, 32);
  if (!name || !command_named(*name)) {
    refusal.reason = "unknown command" + (name ? " '" + *name + "'" : std::string());
    return refusal;
  }
  c.name = *command_named(*name);
  const auto request_id = text("request_id", 1, 128);
  const auto nonce = text("jti", 8, 128);
  if (!request_id || !nonce) {
    refusal.reason = "token lacks 'request_id' (1-128 characters) or 'jti' (a nonce of 8-128 characters)";
    return refusal;
  }
  c.request_id = *request_id;
  c.nonce = *nonce;
  if (!claims.contains("aud") || !names_device(claims["aud"], policy.device_id)) {
    refusal.reason = "token is not addressed to this device ('aud' must be \"" + policy.device_id + "\")";
    return refusal;
  }
  if (!claims.contains("iat") || !claims["iat"].is_number_integer()) {
    refusal.reason = "token lacks an integer 'iat'";
    return refusal;
  }
  c.issued_at = claims["iat"].get<std::int64_t>();
  if (c.issued_at > now + policy.clock_skew.count()) {
    refusal.reason = fmt::format("token issued {} s in the future (check both clocks)", c.issued_at - now);
    return refusal;
  }
  if (now - c.issued_at > policy.max_age.count()) {
    refusal.reason = fmt::format("token expired: issued {} s ago, the limit is {} s", now - c.issued_at,
                                 policy.max_age.count());
    return refusal;
  }
  c.expires_at = c.issued_at + policy.max_age.count();
  if (claims.contains("exp")) {
    if (!claims["exp"].is_number_integer()) {
      refusal.reason = "'exp' must be an integer";
      return refusal;
    }
    if (now >= claims["exp"].get<std::int64_t>()) {
      refusal.reason = "token expired ('exp' has passed)";
      return refusal;
    }
  }
  if (claims.contains("hold_ms")) {
    if (c.name != CommandName::Unlock || !claims["hold_ms"].is_number_integer() ||
        claims["hold_ms"].get<std::int64_t>() < 100 || claims["hold_ms"].get<std::int64_t>() > 60000) {
      refusal.reason = "'hold_ms' must be an integer from 100 to 60000, on unlock only";
      return refusal;
    }
    c.hold = std::chrono::milliseconds(claims["hold_ms"].get<std::int64_t>());
  }
  return c;
}

std::string sign_command(const json& claims, std::string_view key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  Jwt jwt(raw, jwt_free);
  if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0) throw std::runtime_error("bad claims");
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size())) != 0)
    throw std::runtime_error("jwt_set_alg failed");
  char* text = jwt_encode_str(jwt.get());
  if (!text) throw std::runtime_error("jwt_encode_str failed");
  std::string out(text);
  std::free(text);
  return out;
}

}  // namespace portier
