#include "app/recognition_setup.h"

namespace portier {

RecognitionSetup::RecognitionSetup(const Config& config) : config_(config.recognition) {
  auto read = read_recognition_curves(config_.curves, config_.curves_sha256);
  if (auto* why = std::get_if<std::string>(&read))
    throw ConfigError(*why + " (it comes with portier: reinstall, or run scripts/fit-recognition-curves.sh)");
  curves_ = std::move(std::get<RecognitionCurves>(read));
}

AcceptanceRule RecognitionSetup::rule_for(std::size_t embeddings) const {
  if (config_.fixed_threshold) return fixed_acceptance_rule(curves_, *config_.fixed_threshold, embeddings);
  return derive_acceptance_rule(curves_, config_.max_fpir, embeddings, kMaxAcceptedDistance);
}

std::function<float(std::size_t)> RecognitionSetup::threshold_for_gallery() const {
  // A copy: the pipeline may outlive this object.
  return [self = *this](std::size_t embeddings) { return static_cast<float>(self.rule_for(embeddings).threshold); };
}

}  // namespace portier
