#include "access/decision_policy.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/track_score.h"

namespace portier {

DecisionPolicy::Liveness DecisionPolicy::liveness_of(const TrackState& state, double* score) const {
  if (!options_.liveness_threshold) return Liveness::NotChecked;
  if (static_cast<int>(state.liveness.size()) < options_.liveness_min_frames) return Liveness::Unknown;
  // The median over a few frames (models/track_score.h): one frame with a
  // reflection or motion blur must neither open the door nor brand a visitor
  // an attacker.
  *score = track_liveness_score({state.liveness.begin(), state.liveness.end()});
  return *score >= *options_.liveness_threshold ? Liveness::Live : Liveness::Spoof;
}

void DecisionPolicy::reopen() {
  for (auto& [id, state] : tracks_) {
    if (state.status == TrackState::Spoof) continue;
    TrackState fresh;
    fresh.liveness = std::move(state.liveness);
    state = std::move(fresh);
  }
}

std::optional<Decision> DecisionPolicy::observe(const FaceObservation& sample, const std::optional<IdentityMatch>& match,
                                                std::optional<float> runner_up, Clock::time_point captured) {
  auto& state = tracks_[sample.track_id];
  if (state.status == TrackState::Granted || state.status == TrackState::Spoof) return std::nullopt;

  const bool accepted = match && rule_.accepts(match->user_id, match->distance, runner_up);
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
  // A frame the liveness stage could not score adds nothing: without enough
  // scores there is no live verdict, and without one no grant.
  if (sample.liveness) {
    state.liveness.push_back(*sample.liveness);
    while (static_cast<int>(state.liveness.size()) > options_.liveness_frames) state.liveness.pop_front();
  }
  double liveness_score = 0.0;
  const Liveness liveness = liveness_of(state, &liveness_score);

  Decision decision;
  decision.track_id = sample.track_id;
  decision.frames_used = state.frames;
  decision.liveness = liveness == Liveness::Live || liveness == Liveness::Spoof ? std::optional(liveness_score) : sample.liveness;
  decision.captured = captured;
  decision.track_started = sample.track_started;
  decision.liveness_passed = liveness == Liveness::NotChecked || liveness == Liveness::Live;
  decision.embedding = sample.embedding;
  decision.evidence = sample.evidence;
  if (liveness == Liveness::Spoof) {
    decision.verdict = Verdict::DeniedSpoof;
    // Whom the attack impersonates, when the face matched someone: worth
    // knowing for whoever reads the alert.
    if (who) {
      decision.user_id = who;
      decision.user_name = state.streak_name;
      decision.distance = state.streak_distance_sum / static_cast<float>(state.streak);
    }
    decision.reason = fmt::format("liveness {:.3f} below {:.3f} over {} frames: presentation attack suspected",
                                  liveness_score, *options_.liveness_threshold, state.liveness.size());
  } else if (who && state.streak >= options_.grant_frames && liveness != Liveness::Unknown) {
    decision.verdict = Verdict::Granted;
    decision.user_id = who;
    decision.user_name = state.streak_name;
    decision.distance = state.streak_distance_sum / static_cast<float>(state.streak);
    decision.reason = "matched on " + std::to_string(state.streak) + " consecutive frames" +
                      (liveness == Liveness::Live ? fmt::format(", live ({:.3f})", liveness_score) : std::string());
  } else if (state.status == TrackState::Denied) {
    return std::nullopt;
  } else if (!who && state.streak >= options_.deny_frames) {
    decision.verdict = Verdict::DeniedUnknown;
    if (match) decision.distance = state.best_distance;
    decision.reason = match ? "no enrolled user accepted by the recognition rule" : "the gallery is empty";
  } else if (state.frames >= options_.max_frames) {
    decision.verdict = Verdict::DeniedOther;
    if (match) decision.distance = state.best_distance;
    decision.reason = who && state.streak >= options_.grant_frames
                          ? "no liveness verdict after " + std::to_string(state.frames) + " frames"
                          : "no consistent identity after " + std::to_string(state.frames) + " frames";
  } else {
    return std::nullopt;
  }
  state.status = decision.verdict == Verdict::Granted  ? TrackState::Granted
                 : decision.verdict == Verdict::DeniedSpoof ? TrackState::Spoof
                                                            : TrackState::Denied;
  return decision;
}

}  // namespace portier
