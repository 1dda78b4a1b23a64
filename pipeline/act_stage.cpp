#include "pipeline/stages.h"

namespace portier {

void ActStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<Decision> decision) {
    if (decision->verdict == Verdict::Granted) {
      relay_.pulse(hold_);
      ++granted_;
    }
    if (indicator_) indicator_->show(decision->verdict == Verdict::Granted ? Cue::Granted : Cue::Denied);
    const auto acted = Clock::now();
    const auto event = make_access_event(*decision, device_id_, acted);
    latency_ms_.push_back(event.latency_ms);
    track_ms_.push_back(event.track_to_decision_ms);
    events_.publish(event);
  });
}

}  // namespace portier
