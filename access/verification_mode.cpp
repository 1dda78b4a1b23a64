#include "access/verification_mode.h"

namespace portier {

std::optional<VerificationMode> parse_verification_mode(std::string_view text) {
  if (text == "face") return VerificationMode::Face;
  if (text == "card") return VerificationMode::Card;
  if (text == "card|face") return VerificationMode::CardOrFace;
  if (text == "card+face") return VerificationMode::CardAndFace;
  return std::nullopt;
}

const char* to_string(VerificationMode mode) {
  switch (mode) {
    case VerificationMode::Face: return "face";
    case VerificationMode::Card: return "card";
    case VerificationMode::CardOrFace: return "card|face";
    case VerificationMode::CardAndFace: return "card+face";
  }
  return "face";
}

bool needs_reader(VerificationMode mode) { return mode != VerificationMode::Face; }

}  // namespace portier
