#include "access/scheduled_unlock.h"

#include <algorithm>

#include <fmt/format.h>

namespace portier {

ScheduledUnlock::ScheduledUnlock(std::shared_ptr<const AccessPolicy> policy) : policy_(std::move(policy)) {
  if (policy_) opened_by_.resize(policy_->door_unlocked.size());
}

void ScheduledUnlock::granted(const std::string& user, const std::vector<std::string>& groups, const LocalTime& t) {
  if (!policy_) return;
  for (size_t i = 0; i < policy_->door_unlocked.size(); ++i) {
    const auto& rule = policy_->door_unlocked[i];
    if (!rule.first_in || opened_by_[i]) continue;
    if (std::find(groups.begin(), groups.end(), *rule.first_in) == groups.end()) continue;
    if (policy_->profiles.at(rule.profile).allows(t)) opened_by_[i] = user;
  }
}

std::optional<ScheduledUnlock::Window> ScheduledUnlock::at(const LocalTime& t) {
  if (!policy_) return std::nullopt;
  std::optional<Window> window;
  for (size_t i = 0; i < policy_->door_unlocked.size(); ++i) {
    const auto& rule = policy_->door_unlocked[i];
    const auto left = policy_->profiles.at(rule.profile).holds_for(t);
    if (left.count() <= 0) {
      opened_by_[i].reset();  // the window is over: tomorrow needs its own first person in
      continue;
    }
    if (window || (rule.first_in && !opened_by_[i])) continue;
    window = Window{left, rule.first_in ? fmt::format("profile {}, first in: {} of group {}", rule.profile,
                                                      *opened_by_[i], *rule.first_in)
                                        : "profile " + rule.profile};
  }
  const auto why = window ? std::optional<std::string>(window->why) : std::nullopt;
  if (why != in_force_) {
    if (why) {
      notice_ = fmt::format("the schedule keeps the door unlocked ({}) for {}", *why, hours_minutes(window->left));
    } else {
      notice_ = "the schedule's unlocked window (" + *in_force_ + ") has ended: the door locks";
    }
    in_force_ = why;
  }
  return window;
}

}  // namespace portier
