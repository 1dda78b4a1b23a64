// Users as the tests' pages and fake doors list them.
#pragma once

#include <string>
#include <vector>

#include "console/door_console.h"

namespace portier {

inline ConsoleUser person(std::string name, std::string created_at, std::string mode, int photos, bool synced,
                          std::vector<std::string> cards, std::vector<std::string> groups) {
  ConsoleUser u;
  u.name = std::move(name);
  u.created_at = std::move(created_at);
  u.mode = std::move(mode);
  u.photos = photos;
  u.synced = synced;
  u.cards = std::move(cards);
  u.groups = std::move(groups);
  return u;
}

}  // namespace portier
