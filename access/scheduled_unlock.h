// Office hours: the access policy may keep the door unlocked while a profile
// holds (door.unlocked), optionally only once a member of a given group has
// been granted in that window ("first person in": the door opens for the
// day when the first member of staff arrives, not at 07:00 for nobody).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access/access_policy.h"

namespace portier {

class ScheduledUnlock {
 public:
  struct Window {
    std::chrono::seconds left{0};  // until the window ends, without a break
    std::string why;               // "profile office" / "profile office, first in: alice"
  };

  explicit ScheduledUnlock(std::shared_ptr<const AccessPolicy> policy);

  // A grant at `t` to `user`, a member of `groups`: opens each first-in
  // window whose group they are in and whose profile holds now.
  void granted(const std::string& user, const std::vector<std::string>& groups, const LocalTime& t);
  // The window in force at `t`, if any (the first rule that holds and, for a
  // first-in rule, was opened). A first-in window closes with its profile:
  // the next day needs its own first person.
  std::optional<Window> at(const LocalTime& t);
  // "kept unlocked (...) for 10 h 59 min" / "locked again: ...": once per change.
  std::optional<std::string> take_notice() { return std::exchange(notice_, std::nullopt); }
  bool any_rules() const { return policy_ && !policy_->door_unlocked.empty(); }

 private:
  std::shared_ptr<const AccessPolicy> policy_;
  std::vector<std::optional<std::string>> opened_by_;  // per rule: who came first in its window
  std::optional<std::string> in_force_;                 // the current window's `why`
  std::optional<std::string> notice_;
};

}  // namespace portier
