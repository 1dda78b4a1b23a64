#include <spdlog/spdlog.h>

#include "access/lookalikes.h"
#include "pipeline/decide_stage.h"
#include "pipeline/stage_loop.h"

namespace portier {

// Here, not by whoever starts the service: the look-alikes cost a pass over
// the gallery, made once a gallery, and the rule is logged where it is made.
void DecideStage::apply_rule() {
  if (!policy_.options().rule_for_gallery) return;
  // Look-alikes narrow the rule for this gallery (access/lookalikes.h).
  policy_.set_rule(with_lookalikes(policy_.options().rule_for_gallery({index_.users(), index_.size()}),
                                   index_.nearest_other_users()));
  const auto& rule = policy_.rule();
  spdlog::info("recognition: {} for {} users with {} embeddings ({}; expected strangers accepted {:.2g} per attempt)",
               describe_rule(rule), index_.users(), index_.size(),
               rule.derived ? "decision.max_fpir" : "decision.threshold", rule.expected_fpir);
}

void DecideStage::maybe_refresh() {
  // Enrolment writes the gallery from another process; pick it up within a
  // second instead of needing a restart.
  const auto now = Clock::now();
  if (!refresh_ || now - last_refresh_ < std::chrono::seconds(1)) return;
  last_refresh_ = now;
  if (auto fresh = refresh_()) {
    index_ = std::move(*fresh);
    spdlog::info("gallery reloaded: {} users, {} embeddings", index_.users(), index_.size());
    apply_rule();
  }
}

void DecideStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<FaceBatch> batch) {
    maybe_refresh();
    if (const double t = liveness_wanted_.exchange(-1.0, std::memory_order_acq_rel); t >= 0) {
      policy_.set_liveness_threshold(t);
      spdlog::info("liveness threshold now {:.3f} (a new calibration)", t);
    }
    if (const auto wanted = fresh_faces_.load(std::memory_order_acquire); wanted != fresh_faces_seen_) {
      fresh_faces_seen_ = wanted;
      policy_.reopen();
    }
    for (auto id : batch->ended_tracks) policy_.forget(id);
    for (const auto& face : batch->faces) {
      // The two nearest users: the runner-up is what the score rule weighs
      // the nearest against (access/acceptance_rule.h).
      const auto found = index_.nearest_users(face.embedding, 2);
      auto decision = policy_.observe(face, found.empty() ? std::nullopt : std::optional(found[0]),
                                      found.size() > 1 ? std::optional(found[1].distance) : std::nullopt,
                                      batch->captured);
      if (!decision) continue;
      // Feedback must never block: the track stage may itself be waiting on us.
      // If it is ever full the track is merely embedded a few more times.
      auto feedback = std::make_unique<TrackDecided>(TrackDecided{
          face.track_id, decision->verdict == Verdict::Granted       ? TrackDecided::Granted
                         : decision->verdict == Verdict::DeniedSpoof ? TrackDecided::Spoof
                                                                     : TrackDecided::Denied});
      decided_.try_push(feedback);
      auto input = std::make_unique<ActInput>();
      input->face = std::make_unique<Decision>(std::move(*decision));
      out_.push(std::move(input));
    }
    if (!batch->faces.empty())
      recognition_.add(std::chrono::duration<double, std::milli>(Clock::now() - batch->captured).count());
  });
  out_.producer_done();
}

}  // namespace portier
