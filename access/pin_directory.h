// PINs: who has which (as slow salted hashes, never the digits), and the check
// of an entered PIN against one user's. A PIN is always checked 1:1 against
// the user a face or a card has already named, never searched for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace portier {

// A PIN is 4 to 12 digits. Returns the problem, or nothing.
std::optional<std::string> pin_problem(const std::string& pin);

// The cost of one hash (libsodium's argon2id, crypto_pwhash_str); the
// parameters are kept in the hash itself, so checking needs none. A short
// PIN can be guessed offline from its hash whatever the cost: the cost only
// slows that down, the gallery file must still be kept private.
struct PinHashCost {
  unsigned long long operations;
  size_t memory_bytes;
};
// At the door: 3 passes over 16 MiB, ~23 ms a hash on this x86 machine
// (measured: 64 MiB took 117 ms). A check verifies two hashes and runs while
// the visitor waits, on a Pi a few times slower, so the cost is kept at what
// a door can afford; a 4-digit PIN falls to an offline search at any cost.
PinHashCost door_pin_cost();
PinHashCost minimal_pin_cost();      // libsodium's minimum: for tests, never for a door

// Throws std::runtime_error when libsodium cannot start or runs out of memory.
std::string hash_pin(const std::string& pin, PinHashCost cost = door_pin_cost());
bool pin_matches(const std::string& hash, const std::string& pin);
// A hash from elsewhere (the backend's user list) must be libsodium's
// argon2id string, at a cost a door can check: at most 64 MiB and 10 passes,
// or every PIN entry would stall (or exhaust) the Pi. Returns the problem, or nothing.
std::optional<std::string> pin_hash_problem(const std::string& hash);

struct PinRecord {
  std::string hash;
  std::string duress_hash;  // empty: no duress PIN
};

enum class PinCheck {
  NotSet,  // the user has no PIN
  Wrong,
  Right,
  Duress,  // the duress PIN: open as usual and alert silently
};

class PinDirectory {
 public:
  void add(std::int64_t user_id, PinRecord record) { pins_[user_id] = std::move(record); }
  // Both hashes are checked whatever the answer, so the time taken does not
  // tell a duress PIN from the usual one.
  PinCheck check(std::int64_t user_id, const std::string& pin) const;
  bool has_pin(std::int64_t user_id) const { return pins_.count(user_id) != 0; }
  size_t size() const { return pins_.size(); }

 private:
  std::unordered_map<std::int64_t, PinRecord> pins_;
};

}  // namespace portier
