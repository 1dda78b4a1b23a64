// The acceptance rule the service applies (access/acceptance_rule.h), from
// the config and the shipped curves: derived from decision.max_fpir for the
// gallery's size, or the installer's fixed decision.threshold.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "access/acceptance_rule.h"
#include "access/embedding_index.h"
#include "app/config.h"

namespace portier {

// A gallery's look-alikes as the decide stage sees them, for doctor, `users
// show` and the console.
struct GalleryLookAlikes {
  AcceptanceRule rule;                // the rule the decide stage applies (rule_for_index)
  std::vector<NearestOther> nearest;  // each user's nearest other user
  // "'ann' (0.421): accepted only nearer than 0.358"; empty when the user's
  // radius is not narrowed.
  std::string about(std::int64_t user) const;
  std::vector<NearestOther> pairs() const;  // lookalike_pairs
};

class RecognitionSetup {
 public:
  // Reads the curves (their sha256 verified). Throws ConfigError naming the
  // file when it is missing or not the expected one.
  explicit RecognitionSetup(const Config& config);
  AcceptanceRule rule_for(GallerySize gallery, std::size_t score_from = kMinUsersForScore) const;
  // The rule the decide stage applies to this gallery: rule_for its size,
  // narrowed by its look-alikes (access/lookalikes.h).
  AcceptanceRule rule_for_index(const EmbeddingIndex& index) const;
  GalleryLookAlikes lookalikes_in(const EmbeddingIndex& index) const;
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
