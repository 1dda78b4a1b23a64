#include "access/user_groups.h"

#include <algorithm>

namespace portier {

std::optional<std::string> group_name_problem(const std::string& group) {
  if (group.empty() || group.size() > 64) return "a group name is 1 to 64 characters, not " + std::to_string(group.size());
  const bool plain = std::all_of(group.begin(), group.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
  if (!plain) return "group name '" + group + "' may hold only letters, digits, '_', '-' and '.'";
  return std::nullopt;
}

}  // namespace portier
