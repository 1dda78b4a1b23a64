// Logged-in administrators: a random token in a cookie, a CSRF token for
// every change, an idle and an absolute timeout. In memory: a restart logs
// everyone out, which is what a door's page should do.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace portier {

using SteadyTime = std::chrono::steady_clock::time_point;

// 32 random bytes (libsodium), as 64 hex digits.
std::string random_token();
// Compares in time independent of where they differ.
bool same_token(const std::string& a, const std::string& b);

struct ConsoleSession {
  std::string token;  // the cookie
  std::string csrf;   // must come back with every state-changing request
  std::string admin;
  std::string stamp;  // the account's password stamp at login (AdminAccounts::stamp)
  SteadyTime started, last_seen;
};

class ConsoleSessions {
 public:
  ConsoleSessions(std::chrono::seconds idle = std::chrono::minutes(15), std::chrono::seconds absolute = std::chrono::hours(8))
      : idle_(idle), absolute_(absolute) {}
  ConsoleSession open(const std::string& admin, SteadyTime now, std::string stamp = {});
  // The live session of `token`, its idle clock restarted; none when unknown
  // or timed out (a timed-out session is forgotten).
  std::optional<ConsoleSession> find(const std::string& token, SteadyTime now);
  void close(const std::string& token);
  // Every session of `admin` ends (the account was removed or its password changed).
  void close_all_of(const std::string& admin);
  size_t size();

 private:
  std::chrono::seconds idle_, absolute_;
  std::mutex mutex_;
  std::unordered_map<std::string, ConsoleSession> sessions_;
};

// 5 failed logins within a minute from one account or one address block
// both for 30 s. blocked() is asked before the password is checked, so a
// blocked guesser learns nothing and costs no hash.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures = 5, std::chrono::seconds window = std::chrono::seconds(60),
               std::chrono::seconds block = std::chrono::seconds(30))
      : max_failures_(max_failures), window_(window), block_(block) {}
  bool blocked(const std::string& account, const std::string& address, SteadyTime now);
  // Counts a failure; true when it starts a block (the caller raises the alert).
  bool failed(const std::string& account, const std::string& address, SteadyTime now);
  void succeeded(const std::string& account, const std::string& address);

 private:
  struct Record {
    std::vector<SteadyTime> failures;
    SteadyTime blocked_until{};
  };
  int max_failures_;
  std::chrono::seconds window_, block_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;  // "a:" + account, "ip:" + address
};

}  // namespace portier
