#include "access/card_directory.h"

#include <algorithm>

namespace portier {

std::string mask_card_number(const std::string& card) {
  const size_t shown = std::min<size_t>(4, card.size() / 2);
  return std::string(card.size() - shown, '*') + card.substr(card.size() - shown);
}

std::optional<std::string> card_number_problem(const std::string& card) {
  if (card.empty()) return "a card number must not be empty";
  if (card.size() > 32) return "a card number has at most 32 digits, got " + std::to_string(card.size());
  if (card.find_first_not_of("0123456789ABCDEF") != std::string::npos)
    return "a card number is decimal digits or upper-case hex digits (0-9, A-F), got \"" + card + "\"";
  return std::nullopt;
}

}  // namespace portier
