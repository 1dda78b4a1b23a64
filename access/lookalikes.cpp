#include "access/lookalikes.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace portier {

double lookalike_distance(const AcceptanceRule& rule) { return rule.threshold / kLookAlikeShrink; }

std::vector<NearestOther> lookalike_pairs(const std::vector<NearestOther>& nearest, const AcceptanceRule& rule) {
  const double within = lookalike_distance(rule);
  std::vector<NearestOther> pairs;
  for (const auto& n : nearest) {
    if (!(n.distance < within)) continue;
    // a ~ b and b ~ a are one pair (each user is in `nearest` once).
    const bool seen = std::any_of(pairs.begin(), pairs.end(), [&](const NearestOther& p) {
      return p.user_id == n.other_id && p.other_id == n.user_id;
    });
    if (!seen) pairs.push_back(n);
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.distance < b.distance; });
  return pairs;
}

AcceptanceRule with_lookalikes(AcceptanceRule rule, const std::vector<NearestOther>& nearest) {
  rule.min_lead = kMinLead;
  rule.user_threshold.clear();
  for (const auto& n : nearest) {
    const double radius = kLookAlikeShrink * n.distance;
    if (radius < rule.threshold) rule.user_threshold[n.user_id] = radius;
  }
  return rule;
}

void require_second_factor(AccessDirectory& directory, const AcceptanceRule& narrowed, bool reader, bool keypad) {
  directory.lookalike_modes.clear();
  for (const auto& [user, radius] : narrowed.user_threshold) {
    const bool card = reader && (directory.cards.holds_a_card(user) || !keypad || !directory.pins.has_pin(user));
    directory.lookalike_modes[user] = card ? VerificationMode::CardAndFace : VerificationMode::FaceAndPin;
  }
}

std::vector<std::string> lookalikes_without_second_factor(const AccessDirectory& directory,
                                                          const std::vector<NearestOther>& nearest) {
  std::vector<std::string> names;
  for (const auto& n : nearest) {
    const auto it = directory.lookalike_modes.find(n.user_id);
    if (it == directory.lookalike_modes.end()) continue;
    const bool has = it->second == VerificationMode::CardAndFace ? directory.cards.holds_a_card(n.user_id)
                                                                 : directory.pins.has_pin(n.user_id);
    if (!has) names.push_back(n.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string describe_pair(const NearestOther& pair) {
  return fmt::format("'{}' ~ '{}' ({:.3f})", pair.name, pair.other_name, pair.distance);
}

}  // namespace portier
