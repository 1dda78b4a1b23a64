#include "access/access_event.h"

#include <uuid/uuid.h>

#include <cstdio>
#include <spdlog/spdlog.h>

#include "access/time_format.h"

namespace portier {

std::string new_uuid() {
  uuid_t raw;
  uuid_generate_random(raw);
  char text[37];
  uuid_unparse_lower(raw, text);
  return text;
}

namespace {

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Granted: return "granted";
    case Verdict::DeniedUnknown: return "denied_unknown";
    case Verdict::DeniedSpoof: return "denied_spoof";
    case Verdict::DeniedBackend: return "denied_backend";
    case Verdict::DeniedDisarmed: return "denied_disarmed";
    case Verdict::DeniedOther: return "denied_other";
    case Verdict::DeniedCardUnknown: return "denied_card_unknown";
    case Verdict::DeniedWrongFaceForCard: return "denied_wrong_face_for_card";
    case Verdict::DeniedSecondFactorTimeout: return "denied_second_factor_timeout";
    case Verdict::DeniedLockout: return "denied_lockout";
    case Verdict::DeniedPin: return "denied_pin";
    case Verdict::DeniedSchedule: return "denied_schedule";
  }
  return "denied_other";
}

AccessEvent make_access_event(const Decision& d, const std::string& device_id, Clock::time_point acted) {
  AccessEvent e;
  e.id = new_uuid();
  e.time = rfc3339_utc(std::chrono::system_clock::now());
  e.device_id = device_id;
  e.track_id = d.track_id;
  e.result = d.verdict;
  e.user_id = d.user_id;
  e.user_name = d.user_name;
  e.distance = d.distance;
  e.frames_used = d.frames_used;
  e.latency_ms = ms_between(d.captured, acted);
  e.track_to_decision_ms = ms_between(d.track_started, acted);
  e.liveness_score = d.liveness;
  e.reason = d.reason;
  e.decided_by = d.decided_by_backend ? "backend" : "local";
  e.offline = d.offline;
  e.credentials.clear();
  if (d.presented.card) e.credentials.emplace_back("card");
  if (d.presented.face) e.credentials.emplace_back("face");
  if (d.presented.pin) e.credentials.emplace_back("pin");
  e.mode = to_string(d.mode);
  e.card = d.card;
  return e;
}

nlohmann::json to_json(const AccessEvent& e) {
  auto optional = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"type", "access"},
          {"id", e.id},
          {"time", e.time},
          {"device_id", e.device_id},
          {"track_id", e.track_id},
          {"result", to_string(e.result)},
          {"user_id", optional(e.user_id)},
          {"user_name", optional(e.user_name)},
          {"distance", optional(e.distance)},
          {"frames_used", e.frames_used},
          {"latency_ms", e.latency_ms},
          {"track_to_decision_ms", e.track_to_decision_ms},
          {"liveness_score", optional(e.liveness_score)},
          {"reason", e.reason},
          {"evidence", optional(e.evidence)},
          {"decided_by", e.decided_by},
          {"offline", e.offline},
          {"credentials", e.credentials},
          {"mode", e.mode},
          {"card", optional(e.card)}};
}

AlertEvent make_alert_event(const std::string& device_id, const std::string& alert, const std::string& detail) {
  return {new_uuid(), rfc3339_utc(std::chrono::system_clock::now()), device_id, alert, detail, {}, {}};
}

nlohmann::json to_json(const AlertEvent& e) {
  nlohmann::json j{{"type", "alert"}, {"id", e.id},         {"time", e.time},
                   {"device_id", e.device_id}, {"alert", e.alert}, {"detail", e.detail}};
  if (e.access_event_id) j["access_event_id"] = *e.access_event_id;
  if (e.evidence) j["evidence"] = *e.evidence;
  return j;
}

void JsonLinesEventSink::write_line(const std::string& line) {
  // One fwrite per line: stdio locks the stream, so lines from the act stage
  // and the door's thread never interleave.
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

void JsonLinesEventSink::publish(const AlertEvent& event) {
  write_line(to_json(event).dump() + "\n");
  spdlog::warn("alert {}: {}", event.alert, event.detail);
}

void JsonLinesEventSink::publish(const AccessEvent& event) {
  write_line(to_json(event).dump() + "\n");
  spdlog::info("access {} track {}{}", to_string(event.result), event.track_id,
               event.user_name ? " user " + *event.user_name : std::string());
}

}  // namespace portier
