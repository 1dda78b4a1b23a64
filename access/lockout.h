// Lockout: too many denied attempts at this door in a short time, and the
// door refuses every credential for a while (Dahua: more than 5 invalid
// attempts in 50 s; 2N: 5 failures block the reader for 30 s). Pure: time is
// passed in.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "access/decision.h"

namespace portier {

struct LockoutOptions {
  int attempts = 5;  // denied attempts within `window` that lock the door; 0: never
  std::chrono::seconds window{50};
  std::chrono::seconds duration{30};
  // An unknown face counts as an attempt only when asked: at a face door,
  // strangers walking past the camera would otherwise lock out the staff.
  bool unknown_faces = false;
};

class Lockout {
 public:
  explicit Lockout(LockoutOptions options) : options_(options) {}

  bool locked(Clock::time_point now) const { return until_ && now < *until_; }
  // Counts a decision that is an attempt's denial (unknown card, wrong face
  // for the card, wrong PIN, spoof; unknown faces if asked). Returns the alert's detail
  // when this denial locks the door. Denials while locked do not prolong it.
  std::optional<std::string> record(const Decision& decision, Clock::time_point now);
  const LockoutOptions& options() const { return options_; }

 private:
  bool counts(const Decision& decision) const;

  LockoutOptions options_;
  std::deque<Clock::time_point> denials_;  // within the window, oldest first
  std::optional<Clock::time_point> until_;
};

}  // namespace portier
