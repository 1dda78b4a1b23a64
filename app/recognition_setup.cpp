#include "app/recognition_setup.h"

namespace portier {

RecognitionSetup::RecognitionSetup(const Config& config) : config_(config.recognition) {
  auto read = read_recognition_curves(config_.curves, config_.curves_sha256);
  if (auto* why = std::get_if<std::string>(&read))
    throw ConfigError(*why + " (it comes with portier: reinstall, or run scripts/fit-recognition-curves.sh)");
  curves_ = std::move(std::get<RecognitionCurves>(read));
}

AcceptanceRule RecognitionSetup::rule_for(GallerySize gallery, std::size_t score_from) const {
  if (config_.fixed_threshold) return fixed_acceptance_rule(curves_, *config_.fixed_threshold, gallery.embeddings);
  return derive_acceptance_rule(curves_, config_.max_fpir, gallery, kMaxAcceptedDistance, score_from);
}

// Copies: the pipeline may outlive this object.
std::function<AcceptanceRule(GallerySize)> RecognitionSetup::rule_for_gallery() const {
  return [self = *this](GallerySize gallery) { return self.rule_for(gallery); };
}

std::function<float(std::size_t)> RecognitionSetup::distance_for_one_user() const {
  return [self = *this](std::size_t embeddings) { return static_cast<float>(self.rule_for({1, embeddings}).threshold); };
}

}  // namespace portier
