// The acceptance rule the service applies (access/acceptance_rule.h), from
// the config and the shipped curves: derived from decision.max_fpir for the
// gallery's size, or the installer's fixed decision.threshold.
#pragma once

#include <cstddef>
#include <functional>

#include "access/acceptance_rule.h"
#include "app/config.h"

namespace portier {

class RecognitionSetup {
 public:
  // Reads the curves (their sha256 verified). Throws ConfigError naming the
  // file when it is missing or not the expected one.
  explicit RecognitionSetup(const Config& config);
  AcceptanceRule rule_for(GallerySize gallery, std::size_t score_from = kMinUsersForScore) const;
  // For DecisionOptions::rule_for_gallery.
  std::function<AcceptanceRule(GallerySize)> rule_for_gallery() const;
  // 1:1 against one user of that many embeddings (a card names the user):
  // the distance alone. For AccessOptions::card_face_threshold.
  std::function<float(std::size_t)> distance_for_one_user() const;

 private:
  RecognitionConfig config_;
  RecognitionCurves curves_;
};

}  // namespace portier
