#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "access/atomic_file.h"

#include "pipeline/act_stage.h"

namespace portier {

ActStage::ActStage(Relay& relay, Indicator* indicator, EventSink& events, std::chrono::milliseconds hold,
                   std::string device_id, std::filesystem::path evidence_dir, ActLinks links,
                   AccessControllerOptions access, BoundedQueue<ActInput>& in, std::atomic<std::uint64_t>& fresh_faces,
                   LiveView& live)
    : relay_(relay), indicator_(indicator), events_(events), links_(std::move(links)),
      controller_(std::move(access), AccessDirectory{}), fresh_faces_(fresh_faces), live_(live), hold_(hold), device_id_(std::move(device_id)),
      evidence_dir_(std::move(evidence_dir)), in_(in) {
  if (links_.directory)
    if (auto directory = links_.directory()) controller_.set_directory(std::move(*directory));
}

void ActStage::maybe_refresh() {
  // Cards are given and taken from another process (`portier users card`):
  // picked up within a second, as the decide stage does with faces.
  const auto now = Clock::now();
  if (!links_.directory || now - last_refresh_ < std::chrono::seconds(1)) return;
  last_refresh_ = now;
  if (auto fresh = links_.directory()) controller_.set_directory(std::move(*fresh));
}

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

void ActStage::record_with_face(const Decision& decision, const AccessEvent& event) {
  if (!links_.record) return;
  std::vector<unsigned char> jpeg;
  if (!decision.evidence.empty()) {
    // A thumbnail is what the log page shows: at most 160 px on the longer
    // side (a smaller face is kept as it was seen, never scaled up), ~5 KB,
    // so that the cap keeps tens of thousands of them (docs/console.md).
    constexpr int kSide = 160;
    const cv::Mat& face = decision.evidence;
    const double scale = std::min(1.0, static_cast<double>(kSide) / std::max(face.cols, face.rows));
    cv::Mat small;
    if (scale < 1.0)
      cv::resize(face, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
      small = face;
    if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 80})) jpeg.clear();
  }
  links_.record(event, std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
}

void ActStage::ask_backend(Decision& d) {
  // A spoof stays denied whatever the backend says: liveness is judged here,
  // on the frames, and a photo must not open the door because a server agreed.
  // Nor may it lift a lockout.
  if (!links_.verifier || d.verdict == Verdict::DeniedSpoof || d.verdict == Verdict::DeniedLockout ||
      d.verdict == Verdict::DeniedSchedule)
    return;
  // The backend verifies faces; a card, or a card checked 1:1 against its
  // holder's face, is decided here.
  if (!d.presented.face_alone()) return;
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
  while (auto input = in_.pop()) {
    const auto start = Clock::now();
    maybe_refresh();
    AccessOutcome outcome = input->face         ? controller_.on_face(std::move(*input->face), start)
                            : input->credential ? controller_.on_credential(*input->credential, start)
                                                : controller_.expire(start);
    carry_out(outcome);
    // Ticks are not work: only faces and credentials are timed.
    if (input->face || input->credential)
      timings_.add(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  for (auto& decision : controller_.flush()) act(decision);
}

void ActStage::carry_out(AccessOutcome& outcome) {
  // A card that waits for a face: the faces in view were perhaps decided
  // before it came, so the track and decide stages judge them afresh.
  if (outcome.judge_faces_afresh) fresh_faces_.fetch_add(1, std::memory_order_release);
  for (auto& decision : outcome) act(decision);
  // Something now waits for its second credential: the log says what, and
  // the visitor is shown it (after any cue of the decisions just made).
  if (outcome.wait_notice) {
    spdlog::info("{}", *outcome.wait_notice);
    if (indicator_ && outcome.awaiting != Awaiting::Nothing)
      indicator_->prompt(outcome.awaiting == Awaiting::Card   ? Prompt::Card
                         : outcome.awaiting == Awaiting::Face ? Prompt::Face
                                                              : Prompt::Pin,
                         controller_.options().auth_timeout);
  }
  if (outcome.policy_notice) spdlog::info("{}", *outcome.policy_notice);
  if (outcome.mode_notice) spdlog::info("{}", *outcome.mode_notice);
  unlock_window_ = outcome.unlock_window;
  if (outcome.unlock_notice) {
    spdlog::info("{}", *outcome.unlock_notice);
    const char* alert = unlock_window_ ? "schedule_unlocked" : "schedule_locked";
    events_.publish(make_alert_event(device_id_, alert, *outcome.unlock_notice));
  }
  keep_unlocked(Clock::now());
  if (outcome.lockout_alert) {
    spdlog::warn("lockout: {}", *outcome.lockout_alert);
    events_.publish(make_alert_event(device_id_, "lockout", *outcome.lockout_alert));
  }
}

void ActStage::keep_unlocked(Clock::time_point now) {
  const auto& window = unlock_window_;
  if (!window) return;
  // Renewed a few seconds before the last hold runs out; the last piece ends
  // with the window itself.
  constexpr auto kPiece = std::chrono::seconds(60);
  constexpr auto kRenewBefore = std::chrono::seconds(5);
  if (held_until_ - now > kRenewBefore) return;
  const auto hold = std::chrono::duration_cast<std::chrono::milliseconds>(std::min<std::chrono::seconds>(window->left, kPiece));
  if (hold.count() <= 0) return;
  relay_.pulse(hold);
  held_until_ = now + hold;
}

void ActStage::act(Decision& decision) {
  ask_backend(decision);
  // Disarming stops face access; a card alone, or with its PIN, still opens.
  const bool face_involved = decision.presented.face;
  if (decision.verdict == Verdict::Granted && face_involved && links_.gate && !links_.gate->armed()) {
    decision.verdict = Verdict::DeniedDisarmed;
    decision.reason += "; face access is disarmed (remote command): the door stays shut";
  }
  if (decision.verdict == Verdict::Granted) {
    relay_.pulse(hold_);
    granted_.fetch_add(1, std::memory_order_relaxed);
  }
  if (indicator_) indicator_->show(decision.verdict == Verdict::Granted ? Cue::Granted : Cue::Denied);
  decisions_.fetch_add(1, std::memory_order_relaxed);
  if (decision.presented.face) live_.decided(decision);
  const auto acted = Clock::now();
  auto event = make_access_event(decision, device_id_, acted);
  // A credential that waited in vain says nothing about the door's speed.
  if (decision.verdict != Verdict::DeniedSecondFactorTimeout) {
    latency_ms_.push_back(event.latency_ms);
    track_ms_.push_back(event.track_to_decision_ms);
  }
  if (decision.verdict == Verdict::DeniedSpoof) {
    event.evidence = keep_evidence(decision, event.id);
    auto alert = make_alert_event(
        device_id_, "spoof_suspected",
        fmt::format("track {}: {}{}", decision.track_id, decision.reason,
                    decision.user_name ? fmt::format("; the face resembles enrolled user '{}'", *decision.user_name)
                                        : std::string()));
    alert.access_event_id = event.id;
    alert.evidence = event.evidence;
    events_.publish(event);
    events_.publish(alert);
    record_with_face(decision, event);
    return;
  }
  events_.publish(event);
  record_with_face(decision, event);
  if (decision.duress) {
    // The visitor saw an ordinary grant (or denial, if the door was locked
    // out); whoever watches the alerts learns that someone is being forced.
    spdlog::warn("duress PIN of '{}' entered", decision.user_name.value_or("?"));
    auto alert = make_alert_event(device_id_, "duress",
                                  fmt::format("the duress PIN of '{}' was entered ({})",
                                              decision.user_name.value_or("?"), to_string(decision.verdict)));
    alert.access_event_id = event.id;
    events_.publish(alert);
  }
}

}  // namespace portier
