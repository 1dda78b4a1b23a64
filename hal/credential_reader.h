// Card readers and keypads: whatever the visitor presents besides a face.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace portier {

struct Credential {
  enum class Kind { Card, Pin };
  Kind kind = Kind::Card;
  std::string value;  // card: its number as configured (decimal or upper-case hex); PIN: its digits
  std::chrono::steady_clock::time_point at;
};

// One read: a credential, nothing within the timeout, or the device is not
// there (unplugged, not yet created); the reader reopens it on a later read.
struct ReaderResult {
  std::optional<Credential> credential;
  std::string error;  // non-empty: the device cannot be read, and why
  std::string fault;  // non-empty: it reads, but garbage in a burst (Wiegand wiring), and why; once a burst
};

class CredentialReader {
 public:
  virtual ~CredentialReader() = default;
  // Waits at most `timeout`. Not thread-safe: one reading thread.
  virtual ReaderResult read(std::chrono::milliseconds timeout) = 0;
  virtual std::string describe() const = 0;
};

}  // namespace portier
