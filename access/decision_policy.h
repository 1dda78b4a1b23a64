#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

#include "access/acceptance_rule.h"
#include "access/decision.h"
#include "access/embedding_index.h"

namespace portier {

struct DecisionOptions {
  float threshold = 0.55f; // same person when the nearest enrolled embedding is closer than this
  // When set, the rule for the gallery (access/acceptance_rule.h), applied at
  // start and whenever the gallery changes; it replaces `threshold`.
  std::function<AcceptanceRule(GallerySize)> rule_for_gallery;
  int grant_frames = 3;    // consecutive matches of one user that grant
  int deny_frames = 8;     // consecutive non-matches that deny as unknown
  int max_frames = 30;     // evidence after which an undecided track is denied (inconsistent)
  // Liveness: empty = not checked (liveness disabled). Otherwise a grant
  // needs the median liveness score of the track's last liveness_frames scored
  // frames (at least liveness_min_frames of them) at or above the threshold,
  // and a median below it denies the track as a spoof.
  std::optional<double> liveness_threshold;
  int liveness_frames = 5;
  int liveness_min_frames = 3;
};

// Turns per-frame recognition results of a track into at most one decision.
// A grant needs the same user accepted by the rule on grant_frames frames in a
// row and, when liveness is on, a live verdict over the track's recent frames:
// one lucky frame never opens the door. A decided track stays decided (no
// second grant) until forget() is called when it leaves the scene. A track
// found to be a spoof is never granted, however the photo is moved
// afterwards: the person must leave the view and come back.
class DecisionPolicy {
 public:
  explicit DecisionPolicy(DecisionOptions options) : options_(options) { rule_.threshold = options_.threshold; }

  // `match` is the nearest enrolled user, `runner_up` the second-nearest
  // user's distance (empty when nobody else is enrolled).
  std::optional<Decision> observe(const FaceObservation& sample, const std::optional<IdentityMatch>& match,
                                  std::optional<float> runner_up, Clock::time_point captured);
  std::optional<Decision> observe(const FaceObservation& sample, const std::optional<IdentityMatch>& match,
                                  Clock::time_point captured) {
    return observe(sample, match, std::nullopt, captured);
  }
  void forget(std::uint64_t track_id) { tracks_.erase(track_id); }
  // A credential asks for the faces in view to be judged afresh: granted and
  // denied tracks start over (keeping their liveness scores); a spoof stays one.
  void reopen();
  // The gallery changed: a new rule applies from the next frame on.
  void set_rule(const AcceptanceRule& rule) { rule_ = rule; }
  // A new liveness calibration: from the next frame on. Liveness that is
  // off stays off.
  void set_liveness_threshold(double threshold) {
    if (options_.liveness_threshold) options_.liveness_threshold = threshold;
  }
  const AcceptanceRule& rule() const { return rule_; }
  const DecisionOptions& options() const { return options_; }
  size_t tracked() const { return tracks_.size(); }

 private:
  struct TrackState {
    enum { Undecided, Denied, Spoof, Granted } status = Undecided;
    int frames = 0;
    std::optional<std::int64_t> streak_user;  // empty = a streak of non-matches
    std::string streak_name;
    int streak = 0;
    float streak_distance_sum = 0.0f;
    float best_distance = 0.0f;  // nearest enrolled face seen, for deny events
    std::deque<double> liveness;  // the last liveness_frames scores
  };
  enum class Liveness { NotChecked, Unknown, Live, Spoof };
  Liveness liveness_of(const TrackState& state, double* score) const;

  DecisionOptions options_;
  AcceptanceRule rule_;
  std::unordered_map<std::uint64_t, TrackState> tracks_;
};

}  // namespace portier
