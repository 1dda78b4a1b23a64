// The access policy: time profiles, holiday groups, which profile each user
// group enters by, and the door's mode by schedule. One JSON document, the
// same whether it comes from a file (standalone) or the backend; it is
// checked whole, and a bad one is refused whole (PolicyError names where).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/time_profile.h"
#include "access/verification_mode.h"

namespace portier {

class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AccessPolicy {
  struct ModeRule {
    std::string profile;
    VerificationMode mode;
  };
  std::string version;
  std::map<std::string, TimeProfile> profiles;
  std::map<std::string, std::string> group_profile;  // group -> the profile its members enter by
  std::optional<VerificationMode> door_mode;           // none: [access] mode
  std::vector<ModeRule> door_schedule;                 // the first whose profile holds wins
  // Office hours: while a rule's profile holds the door is kept unlocked;
  // with `first_in`, only once a member of that group has been granted in
  // the profile's current window ("first person in").
  struct UnlockRule {
    std::string profile;
    std::optional<std::string> first_in;
  };
  std::vector<UnlockRule> door_unlocked;

  // The door's mode at `t`: the first schedule rule in force, else door_mode, else `fallback`.
  VerificationMode mode_at(const LocalTime& t, VerificationMode fallback) const;
  // Whether a member of `groups` may enter at `t`: any one group's profile
  // holds. A user in no group is not restricted by time. Says why not.
  std::optional<std::string> refusal(const std::vector<std::string>& groups, const LocalTime& t) const;
};

AccessPolicy parse_access_policy(const nlohmann::json& document);        // throws PolicyError
AccessPolicy load_access_policy(const std::filesystem::path& file);      // throws PolicyError naming the file

}  // namespace portier
