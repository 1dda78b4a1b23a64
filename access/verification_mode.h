// What a visitor must present at the door.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portier {

enum class VerificationMode {
  Face,         // a known, live face
  Card,         // a known card
  CardOrFace,   // either alone
  CardAndFace,  // a card and the live face of its holder, in either order within auth_timeout
};

std::optional<VerificationMode> parse_verification_mode(std::string_view text);  // "face", "card", "card|face", "card+face"
const char* to_string(VerificationMode mode);
bool needs_reader(VerificationMode mode);

}  // namespace portier
