#include "console/sessions.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace portier {

std::string random_token() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

bool same_token(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

ConsoleSession ConsoleSessions::open(const std::string& admin, SteadyTime now, std::string stamp) {
  ConsoleSession s{random_token(), random_token(), admin, std::move(stamp), now, now};
  std::lock_guard lock(mutex_);
  // Forget the expired ones now and then, so the map cannot grow without end.
  std::erase_if(sessions_, [&](const auto& kv) {
    return now - kv.second.last_seen >= idle_ || now - kv.second.started >= absolute_;
  });
  sessions_[s.token] = s;
  return s;
}

std::optional<ConsoleSession> ConsoleSessions::find(const std::string& token, SteadyTime now) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_seen >= idle_ || now - it->second.started >= absolute_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void ConsoleSessions::close(const std::string& token) {
  std::lock_guard lock(mutex_);
  sessions_.erase(token);
}

void ConsoleSessions::close_all_of(const std::string& admin) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.admin == admin; });
}

size_t ConsoleSessions::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool LoginLimiter::blocked(const std::string& account, const std::string& address, SteadyTime now) {
  std::lock_guard lock(mutex_);
  for (const auto& key : {"a:" + account, "ip:" + address}) {
    auto it = records_.find(key);
    if (it != records_.end() && now < it->second.blocked_until) return true;
  }
  return false;
}

bool LoginLimiter::failed(const std::string& account, const std::string& address, SteadyTime now) {
  std::lock_guard lock(mutex_);
  // Many addresses guessing once each must not grow the map without end.
  if (records_.size() > 4096)
    std::erase_if(records_, [&](const auto& kv) {
      return now >= kv.second.blocked_until && (kv.second.failures.empty() || now - kv.second.failures.back() >= window_);
    });
  bool starts = false;
  for (const auto& key : {"a:" + account, "ip:" + address}) {
    auto& r = records_[key];
    std::erase_if(r.failures, [&](SteadyTime t) { return now - t >= window_; });
    r.failures.push_back(now);
    if (static_cast<int>(r.failures.size()) >= max_failures_ && now >= r.blocked_until) starts = true;
  }
  if (starts)
    for (const auto& key : {"a:" + account, "ip:" + address}) {
      records_[key].blocked_until = now + block_;
      records_[key].failures.clear();
    }
  return starts;
}

void LoginLimiter::succeeded(const std::string& account, const std::string& address) {
  std::lock_guard lock(mutex_);
  records_.erase("a:" + account);
  records_.erase("ip:" + address);
}

}  // namespace portier
