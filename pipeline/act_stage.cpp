#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <opencv2/imgcodecs.hpp>

#include "access/atomic_file.h"

#include "pipeline/stages.h"

namespace portier {

std::optional<std::string> ActStage::keep_evidence(const Decision& decision, const std::string& event_id) {
  if (evidence_dir_.empty() || decision.evidence.empty()) return std::nullopt;
  std::vector<unsigned char> jpeg;
  if (!cv::imencode(".jpg", decision.evidence, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90})) return std::nullopt;
  const auto file = evidence_dir_ / (event_id + ".jpg");
  if (auto why = write_file_atomically(file, std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()))) {
    // Evidence is a help, not a reason to stop deciding: log and go on.
    spdlog::warn("cannot keep spoof evidence: {}", *why);
    return std::nullopt;
  }
  return file.string();
}

void ActStage::ask_backend(Decision& d) {
  // A spoof stays denied whatever the backend says: liveness is judged here,
  // on the frames, and a photo must not open the door because a server agreed.
  if (!links_.verifier || d.verdict == Verdict::DeniedSpoof) return;
  auto answer = links_.verifier->verify(d);
  if (auto* why = std::get_if<std::string>(&answer)) {
    d.offline = true;
    d.reason += "; backend unreachable (" + *why + "), decided on the device";
    return;
  }
  const auto& r = std::get<RemoteVerdict>(answer);
  d.decided_by_backend = true;
  if (r.granted && !d.liveness_passed) {
    d.verdict = Verdict::DeniedOther;
    d.reason = "the backend granted, but the track had no live verdict";
  } else if (r.granted) {
    d.verdict = Verdict::Granted;
    d.user_id = r.user_id ? r.user_id : d.user_id;
    d.user_name = r.user_name ? r.user_name : d.user_name;
    d.reason = "granted by the backend" + (r.reason.empty() ? std::string() : ": " + r.reason);
  } else {
    d.verdict = Verdict::DeniedBackend;
    d.reason = "denied by the backend" + (r.reason.empty() ? std::string() : ": " + r.reason);
  }
}

void ActStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<Decision> decision) {
    ask_backend(*decision);
    if (decision->verdict == Verdict::Granted && links_.gate && !links_.gate->armed()) {
      decision->verdict = Verdict::DeniedDisarmed;
      decision->reason += "; face access is disarmed (remote command): the door stays shut";
    }
    if (decision->verdict == Verdict::Granted) {
      relay_.pulse(hold_);
      ++granted_;
    }
    if (indicator_) indicator_->show(decision->verdict == Verdict::Granted ? Cue::Granted : Cue::Denied);
    const auto acted = Clock::now();
    auto event = make_access_event(*decision, device_id_, acted);
    latency_ms_.push_back(event.latency_ms);
    track_ms_.push_back(event.track_to_decision_ms);
    if (decision->verdict == Verdict::DeniedSpoof) {
      event.evidence = keep_evidence(*decision, event.id);
      auto alert = make_alert_event(
          device_id_, "spoof_suspected",
          fmt::format("track {}: {}{}", decision->track_id, decision->reason,
                      decision->user_name ? fmt::format("; the face resembles enrolled user '{}'", *decision->user_name)
                                          : std::string()));
      alert.access_event_id = event.id;
      alert.evidence = event.evidence;
      events_.publish(event);
      events_.publish(alert);
      return;
    }
    events_.publish(event);
  });
}

}  // namespace portier
