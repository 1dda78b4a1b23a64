#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "access/decision.h"

namespace portier {

// One decision as the backend, the log and the audit trail see it.
// Schema: docs/events.md.
struct AccessEvent {
  std::string id;    // UUID v4; receivers de-duplicate on it
  std::string time;  // RFC 3339 UTC
  std::string device_id;
  std::uint64_t track_id = 0;
  Verdict result = Verdict::DeniedOther;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user_name;
  std::optional<float> distance;
  int frames_used = 0;
  double latency_ms = 0.0;       // capture of the deciding frame -> action
  double track_to_decision_ms = 0.0;
  std::optional<double> liveness_score;
  std::string reason;
  std::optional<std::string> evidence;  // denied_spoof: path of the kept JPEG of the face
  std::string decided_by = "local";     // "local" or "backend"
  bool offline = false;                 // backend mode, but the backend did not answer
  std::vector<std::string> credentials{"face"};  // what was presented: ["face"], ["card"], ["card","face"]
  std::string mode = "face";                     // the verification mode that applied
  std::optional<std::string> card;               // the card presented, masked unless events.card_numbers = "full"
};

AccessEvent make_access_event(const Decision& decision, const std::string& device_id, Clock::time_point acted);
std::string new_uuid();  // v4, lower case
nlohmann::json to_json(const AccessEvent& event);
const char* to_string(Verdict verdict);

// Something the device reports on its own: door_forced, door_held_open,
// door_closed, exit_request, camera_down, camera_up, spoof_suspected.
// Schema: docs/events.md.
struct AlertEvent {
  std::string id;
  std::string time;
  std::string device_id;
  std::string alert;
  std::string detail;
  std::optional<std::string> access_event_id;  // spoof_suspected: the access event it belongs to
  std::optional<std::string> evidence;         // spoof_suspected: the kept JPEG, if any
};

AlertEvent make_alert_event(const std::string& device_id, const std::string& alert, const std::string& detail);
nlohmann::json to_json(const AlertEvent& event);

// Where events go. Implementations must not block for long: the act stage
// calls publish() right after driving the relay; alerts come from the door's
// own thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const AccessEvent& event) = 0;
  virtual void publish(const AlertEvent& event) = 0;
};

// Writes each event as one JSON line on stdout (logs go to stderr), so
// `portier run | jq` and the journal both see them. Thread-safe.
class JsonLinesEventSink final : public EventSink {
 public:
  void publish(const AccessEvent& event) override;
  void publish(const AlertEvent& event) override;

 private:
  void write_line(const std::string& line);
};

}  // namespace portier
