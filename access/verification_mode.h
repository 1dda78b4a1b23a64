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
  FaceAndPin,   // a known, live face and that user's PIN, in either order within auth_timeout
  CardAndPin,   // a known card and its holder's PIN, in either order within auth_timeout
};

// "face", "card", "card|face", "card+face", "face+pin", "card+pin"
std::optional<VerificationMode> parse_verification_mode(std::string_view text);
const char* to_string(VerificationMode mode);
bool needs_card_reader(VerificationMode mode);
bool needs_keypad(VerificationMode mode);
// How many credentials the mode asks of one visitor: 1 (face, card, card|face)
// or 2 (card+face, face+pin, card+pin).
int factors(VerificationMode mode);
// The mode one user's credentials are judged by: their own mode when it asks
// for more credentials than the door's (a user "carries a stricter mode"),
// else the door's. A user's mode never loosens a door, and of two modes that
// ask as much (face and card, card+face and face+pin) the door's holds.
VerificationMode mode_for_user(VerificationMode door, std::optional<VerificationMode> user);

}  // namespace portier
