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
  AcceptanceRule rule_for(std::size_t embeddings) const;
  // For DecisionOptions::threshold_for_gallery.
  std::function<float(std::size_t)> threshold_for_gallery() const;

 private:
  RecognitionConfig config_;
  RecognitionCurves curves_;
};

}  // namespace portier
