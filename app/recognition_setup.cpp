#include "app/recognition_setup.h"

#include <fmt/format.h>

#include "access/lookalikes.h"

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

AcceptanceRule RecognitionSetup::rule_for_index(const EmbeddingIndex& index) const { return lookalikes_in(index).rule; }

GalleryLookAlikes RecognitionSetup::lookalikes_in(const EmbeddingIndex& index) const {
  GalleryLookAlikes out;
  out.nearest = index.nearest_other_users();
  out.rule = with_lookalikes(rule_for({index.users(), index.size()}), out.nearest);
  return out;
}

std::string GalleryLookAlikes::about(std::int64_t user) const {
  const auto narrowed = rule.user_threshold.find(user);
  if (narrowed == rule.user_threshold.end()) return {};
  for (const auto& n : nearest)
    if (n.user_id == user)
      return fmt::format("'{}' ({:.3f}): accepted only nearer than {:.3f}", n.other_name, n.distance, narrowed->second);
  return {};
}

std::vector<NearestOther> GalleryLookAlikes::pairs() const { return lookalike_pairs(nearest, rule); }

// Copies: the pipeline may outlive this object.
std::function<AcceptanceRule(GallerySize)> RecognitionSetup::rule_for_gallery() const {
  return [self = *this](GallerySize gallery) { return self.rule_for(gallery); };
}

std::function<float(std::size_t)> RecognitionSetup::distance_for_one_user() const {
  return [self = *this](std::size_t embeddings) { return static_cast<float>(self.rule_for({1, embeddings}).threshold); };
}

}  // namespace portier
