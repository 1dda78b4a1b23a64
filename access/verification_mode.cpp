#include "access/verification_mode.h"

namespace portier {

std::optional<VerificationMode> parse_verification_mode(std::string_view text) {
  if (text == "face") return VerificationMode::Face;
  if (text == "card") return VerificationMode::Card;
  if (text == "card|face") return VerificationMode::CardOrFace;
  if (text == "card+face") return VerificationMode::CardAndFace;
  if (text == "face+pin") return VerificationMode::FaceAndPin;
  if (text == "card+pin") return VerificationMode::CardAndPin;
  return std::nullopt;
}

const char* to_string(VerificationMode mode) {
  switch (mode) {
    case VerificationMode::Face: return "face";
    case VerificationMode::Card: return "card";
    case VerificationMode::CardOrFace: return "card|face";
    case VerificationMode::CardAndFace: return "card+face";
    case VerificationMode::FaceAndPin: return "face+pin";
    case VerificationMode::CardAndPin: return "card+pin";
  }
  return "face";
}

bool needs_card_reader(VerificationMode mode) {
  return mode != VerificationMode::Face && mode != VerificationMode::FaceAndPin;
}

bool needs_keypad(VerificationMode mode) {
  return mode == VerificationMode::FaceAndPin || mode == VerificationMode::CardAndPin;
}

int factors(VerificationMode mode) {
  return mode == VerificationMode::CardAndFace || needs_keypad(mode) ? 2 : 1;
}

VerificationMode mode_for_user(VerificationMode door, std::optional<VerificationMode> user) {
  return user && factors(*user) > factors(door) ? *user : door;
}

}  // namespace portier
