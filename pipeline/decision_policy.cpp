#include "pipeline/decision_policy.h"

#include <algorithm>

namespace portier {

std::optional<Decision> DecisionPolicy::observe(const FaceSample& sample, const std::optional<IdentityMatch>& match,
                                                Clock::time_point captured) {
  auto& state = tracks_[sample.track_id];
  if (state.status == TrackState::Granted) return std::nullopt;

  const bool accepted = match && match->distance < options_.threshold;
  const std::optional<std::int64_t> who = accepted ? std::optional(match->user_id) : std::nullopt;
  if (state.frames == 0 || who != state.streak_user) {
    state.streak_user = who;
    state.streak_name = accepted ? match->name : std::string();
    state.streak = 0;
    state.streak_distance_sum = 0.0f;
  }
  ++state.frames;
  ++state.streak;
  if (match) {
    state.streak_distance_sum += match->distance;
    state.best_distance = state.frames == 1 ? match->distance : std::min(state.best_distance, match->distance);
  }

  Decision decision;
  decision.track_id = sample.track_id;
  decision.frames_used = state.frames;
  decision.liveness = sample.liveness;
  decision.captured = captured;
  decision.track_started = sample.track_started;
  if (who && state.streak >= options_.grant_frames) {
    decision.verdict = Verdict::Granted;
    decision.user_id = who;
    decision.user_name = state.streak_name;
    decision.distance = state.streak_distance_sum / static_cast<float>(state.streak);
    decision.reason = "matched on " + std::to_string(state.streak) + " consecutive frames";
  } else if (state.status == TrackState::Denied) {
    return std::nullopt;
  } else if (!who && state.streak >= options_.deny_frames) {
    decision.verdict = Verdict::DeniedUnknown;
    if (match) decision.distance = state.best_distance;
    decision.reason = match ? "no enrolled user within the threshold" : "the gallery is empty";
  } else if (state.frames >= options_.max_frames) {
    decision.verdict = Verdict::DeniedOther;
    if (match) decision.distance = state.best_distance;
    decision.reason = "no consistent identity after " + std::to_string(state.frames) + " frames";
  } else {
    return std::nullopt;
  }
  state.status = decision.verdict == Verdict::Granted ? TrackState::Granted : TrackState::Denied;
  return decision;
}

}  // namespace portier
