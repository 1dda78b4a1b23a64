// Which groups each user belongs to: the access policy says when a group's
// members may enter (access/access_policy.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace portier {

// A group name is 1 to 64 letters, digits, '_', '-' or '.'. Returns the problem, or nothing.
std::optional<std::string> group_name_problem(const std::string& group);

class UserGroups {
 public:
  void add(std::int64_t user_id, std::string group) { groups_[user_id].push_back(std::move(group)); }
  // Empty for a user in no group (whom no schedule restricts).
  const std::vector<std::string>& of(std::int64_t user_id) const {
    static const std::vector<std::string> none;
    auto it = groups_.find(user_id);
    return it == groups_.end() ? none : it->second;
  }

 private:
  std::unordered_map<std::int64_t, std::vector<std::string>> groups_;
};

}  // namespace portier
