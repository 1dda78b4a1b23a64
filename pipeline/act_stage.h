#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/access_controller.h"
#include "access/access_event.h"
#include "access/remote_verifier.h"
#include "hal/credential_reader.h"
#include "hal/indicator.h"
#include "hal/relay.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/live_view.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

// Fresh users and cards when the gallery changed, std::nullopt otherwise.
using DirectoryRefresh = std::function<std::optional<AccessDirectory>()>;

// What the act stage may consult besides the relay; each may be absent.
struct ActLinks {
  RemoteVerifier* verifier = nullptr;  // decision mode "backend": the backend has the last word
  AccessGate* gate = nullptr;          // remote arm / disarm of face access
  // The card reader and the PIN keypad, as the verification mode needs them.
  std::vector<CredentialReader*> readers;
  DirectoryRefresh directory;          // the cards and faces the reader's credentials are checked against
  // Whoever keeps each decision with a small picture of its face (the
  // console's access log, Home Assistant's image): the thumbnail is made
  // once, here; empty when no face was part of the decision.
  std::function<void(const AccessEvent& event, std::string_view face_jpeg)> record{};
};

// Drives the door and reports: the relay first (the visitor is waiting), then
// the event. Face decisions and credentials pass the door's verification
// mode first (access/access_controller.h). In backend mode the backend is asked first; a disarmed gate
// keeps the door shut on a grant. A suspected spoof also raises a
// spoof_suspected alert and, when evidence_dir is set, keeps a JPEG of the
// face named after the event.
class ActStage {
 public:
  ActStage(Relay& relay, Indicator* indicator, EventSink& events, std::chrono::milliseconds hold,
           std::string device_id, std::filesystem::path evidence_dir, ActLinks links, AccessControllerOptions access,
           BoundedQueue<ActInput>& in, std::atomic<std::uint64_t>& fresh_faces, LiveView& live);
  void run();
  const StageTimings& timings() const { return timings_; }
  const std::vector<double>& decision_latency_ms() const { return latency_ms_; }
  const std::vector<double>& track_to_decision_ms() const { return track_ms_; }
  size_t granted() const { return granted_.load(std::memory_order_relaxed); }  // read while running, as above
  size_t decisions() const { return decisions_.load(std::memory_order_relaxed); }

 private:
  Relay& relay_;
  Indicator* indicator_;  // may be null: no LEDs or buzzer
  EventSink& events_;
  std::optional<std::string> keep_evidence(const Decision& decision, const std::string& event_id);
  // Hands the decision and a thumbnail of its face to the access log (ActLinks::record).
  void record_with_face(const Decision& decision, const AccessEvent& event);
  void ask_backend(Decision& decision);
  void act(Decision& decision);
  // Acts on the decisions and tells (log, alerts, the visitor) what the outcome says.
  void carry_out(AccessOutcome& outcome);
  void maybe_refresh();
  // While the schedule keeps the door unlocked: the relay held in pieces of
  // at most a minute, so it locks on time and at once if the service stops.
  void keep_unlocked(Clock::time_point now);
  ActLinks links_;
  AccessController controller_;
  std::atomic<std::uint64_t>& fresh_faces_;
  LiveView& live_;
  Clock::time_point last_refresh_ = Clock::now();

  std::chrono::milliseconds hold_;
  Clock::time_point held_until_{};  // the schedule's last hold of the relay ends then
  std::optional<ScheduledUnlock::Window> unlock_window_;  // as of the last outcome
  std::string device_id_;
  std::filesystem::path evidence_dir_;  // empty: no JPEGs kept
  BoundedQueue<ActInput>& in_;
  std::vector<double> latency_ms_;
  std::vector<double> track_ms_;
  std::atomic<size_t> granted_{0};
  std::atomic<size_t> decisions_{0};
  StageTimings timings_{"act"};
};

}  // namespace portier
