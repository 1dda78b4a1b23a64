// Who holds which card.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "access/embedding_index.h"
#include "access/pin_directory.h"
#include "access/user_groups.h"
#include "access/verification_mode.h"

namespace portier {

struct CardHolder {
  std::int64_t user_id = 0;
  std::string name;
  Validity validity;
};

// Card numbers are kept as the reader delivers them: decimal digits or
// upper-case hex, 1 to 32 characters. Returns the problem, or nothing.
std::optional<std::string> card_number_problem(const std::string& card);
// The card as events show it by default: the last 4 digits, at most half of
// them ("******7123"; "12" -> "*2"), the rest as '*'. Enough for an operator
// to tell cards apart, not enough to clone one from the log.
std::string mask_card_number(const std::string& card);

class CardDirectory {
 public:
  void add(const std::string& card, CardHolder holder) { holders_[card] = std::move(holder); }
  const CardHolder* find(const std::string& card) const {
    auto it = holders_.find(card);
    return it == holders_.end() ? nullptr : &it->second;
  }
  size_t size() const { return holders_.size(); }
  bool holds_a_card(std::int64_t user_id) const {
    for (const auto& [card, holder] : holders_)
      if (holder.user_id == user_id) return true;
    return false;
  }

 private:
  std::unordered_map<std::string, CardHolder> holders_;
};

// Everything the door checks credentials against, loaded in one go.
struct AccessPolicy;

struct AccessDirectory {
  EmbeddingIndex faces;
  CardDirectory cards;
  PinDirectory pins;
  UserGroups groups;
  // The backend's access policy, when it sent one; null: the config's.
  std::shared_ptr<const AccessPolicy> policy;
  std::string policy_etag;  // which document it is: a reload of the same one changes nothing
  // Users who carry a mode of their own (verification_mode.h: it applies
  // when stricter than the door's); everyone else has the door's.
  std::unordered_map<std::int64_t, VerificationMode> user_modes;
  // Look-alike protection (access/lookalikes.h): users whose face alone must
  // not open, and the two-credential mode they present instead wherever the
  // door would take their face alone (at a card|face door: their card).
  std::unordered_map<std::int64_t, VerificationMode> lookalike_modes;
};

}  // namespace portier
