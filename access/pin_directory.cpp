#include "access/pin_directory.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace portier {
namespace {
void start_sodium() {
  // Safe to call more than once and from several threads.
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start (sodium_init failed)");
}
}  // namespace

std::optional<std::string> pin_problem(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 12) return "a PIN has 4 to 12 digits, this one has " + std::to_string(pin.size());
  if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "a PIN has only the digits 0-9";
  return std::nullopt;
}

PinHashCost door_pin_cost() { return {3, size_t{16} << 20}; }
PinHashCost minimal_pin_cost() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_pin(const std::string& pin, PinHashCost cost) {
  start_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), cost.operations, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("cannot hash the PIN: out of memory");
  return out;
}

bool pin_matches(const std::string& hash, const std::string& pin) {
  start_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
}

std::optional<std::string> pin_hash_problem(const std::string& hash) {
  constexpr const char* kPrefix = "$argon2id$v=19$";
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.rfind(kPrefix, 0) != 0)
    return std::string("a PIN hash must be an argon2id string \"$argon2id$v=19$m=...,t=...,p=1$salt$hash\" "
                       "(libsodium's crypto_pwhash_str) of fewer than ") +
           std::to_string(crypto_pwhash_STRBYTES) + " characters";
  unsigned long memory_kib = 0, passes = 0, lanes = 0;
  char tail = 0;
  if (std::sscanf(hash.c_str() + std::strlen(kPrefix), "m=%lu,t=%lu,p=%lu%c", &memory_kib, &passes, &lanes, &tail) != 4 ||
      tail != '$')
    return std::string("a PIN hash must carry its cost as m=...,t=...,p=...");
  if (memory_kib > 64 * 1024 || passes > 10 || lanes != 1)
    return "a PIN hash of m=" + std::to_string(memory_kib) + " KiB, t=" + std::to_string(passes) + ", p=" +
           std::to_string(lanes) + " costs more than a door can check (at most m=65536, t=10, p=1)";
  start_sodium();
  // -1: libsodium cannot read it (a broken salt or digest).
  if (crypto_pwhash_str_needs_rehash(hash.c_str(), passes, memory_kib * 1024) < 0)
    return std::string("a PIN hash is not a well-formed argon2id string");
  return std::nullopt;
}

PinCheck PinDirectory::check(std::int64_t user_id, const std::string& pin) const {
  const auto it = pins_.find(user_id);
  if (it == pins_.end()) return PinCheck::NotSet;
  const bool right = pin_matches(it->second.hash, pin);
  // Without a duress PIN the usual hash is checked a second time, so the
  // time taken never tells whether a door has one.
  const bool has_duress = !it->second.duress_hash.empty();
  const bool duress = pin_matches(has_duress ? it->second.duress_hash : it->second.hash, pin) && has_duress;
  if (duress) return PinCheck::Duress;
  return right ? PinCheck::Right : PinCheck::Wrong;
}

}  // namespace portier
