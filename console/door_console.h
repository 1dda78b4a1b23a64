// What the console shows and does, as the program on top provides it: the
// console sees the door through this port and nothing else (no pipeline, no
// network), so it stays a layer of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/access_event.h"

namespace portier {

// One of `portier doctor`'s checks, as the status page lists it.
struct ConsoleCheck {
  std::string name;
  std::string status;  // "ok", "warn" or "FAIL"
  std::string detail, fix;
};

struct ConsoleStatus {
  std::string device_id, version, mode;  // mode: the verification mode in force
  bool face_access_armed = true;
  std::optional<bool> door_open;  // no contact wired: unknown
  bool unlocked = false;          // the strike is held open now (a grant, an unlock, the exit button)
  std::uint64_t captured = 0, dropped = 0;
  size_t decisions = 0, granted = 0;
  double fps = 0;  // frames captured per second, lately
  double uptime_s = 0;
  std::vector<std::pair<std::string, std::string>> links;  // ("backend (HTTPS)", "delivering" / the error)
  std::optional<std::int64_t> outbox;                       // events some destination still lacks
  std::vector<AccessEvent> recent;                          // newest first
  std::vector<ConsoleCheck> checks;                         // doctor's, those a running service can make
};

struct ConsoleUser {
  std::string name, created_at;
  std::string mode;  // the user's own verification mode; empty: the door's
  int photos = 0;    // embeddings enrolled
  bool synced = false;  // from the backend, not enrolled here
  std::vector<std::string> cards;  // masked
  std::vector<std::string> groups;
  std::string valid = "always";     // "from 2026-12-01 through 2026-12-24": when they may enter
  std::string valid_from, valid_until;  // YYYY-MM-DD, as the form shows them; empty: open
  bool pin = false;                 // a PIN is set (never the PIN)
  // Their nearest enrolled look-alike and what the door does about it
  // ("'ann' (0.421): accepted only nearer than 0.358"); empty: none.
  std::string lookalike;
};

// One change to one user, as the users page asks it.
struct UserChange {
  enum class Kind { AddCard, RemoveCard, AddGroup, RemoveGroup, SetMode, SetValidity, SetPin, RemovePin };
  Kind kind = Kind::AddCard;
  // AddCard: the number as the reader delivers it; RemoveCard: the card as
  // the page showed it (masked); AddGroup/RemoveGroup: the group; SetMode:
  // the mode's name, or empty for the door's; SetPin: the PIN.
  std::string value;
  size_t index = 0;         // RemoveCard: which of the user's cards, as listed
  std::string from, until;  // SetValidity: YYYY-MM-DD, both days included; empty: open
};

struct UserChangeResult {
  std::optional<std::string> error;  // why nothing changed
  std::string done;                  // what changed, for the page and the event ("card ****5678 added")
  std::string note;                  // what the admin should know ("this door has no card reader")
};

struct ConsoleUsers {
  std::vector<ConsoleUser> users;  // by name
  // backend.sync_users: the backend owns the users, and replaces them at its
  // next sync; the page says so and changes nothing.
  bool from_backend = false;
};

struct UploadedPhoto {
  std::string filename;  // as the browser named it: shown, never used as a path
  std::string bytes;
};

struct EnrolResult {
  bool enrolled = false;
  size_t accepted = 0;
  std::vector<std::pair<std::string, std::string>> rejected;  // (photo, why)
  std::string error;  // why nothing could be tried
  std::string lookalikes;  // enrolled users the new one looks like: "'ann' (0.421)"; empty: none
};

struct CalibrationResult {
  bool calibrated = false;
  std::string message;  // the threshold and what it came from, or why there is none
};

class DoorConsole {
 public:
  virtual ~DoorConsole() = default;
  virtual ConsoleStatus status() = 0;
  virtual void set_face_access(bool armed) = 0;
  virtual void unlock(std::chrono::milliseconds hold) = 0;  // one pulse of the strike
  // The live view. While anybody watches (watch(true) once per viewer, and
  // watch(false) when they leave) the door keeps its newest frame; live_jpeg
  // gives it, as a JPEG with the faces drawn in, when it is newer than
  // `after` (the seq it hands back), else nothing.
  virtual void watch(bool on) = 0;
  virtual std::optional<std::pair<std::uint64_t, std::string>> live_jpeg(std::uint64_t after) = 0;

  // The enrolled users, and changing them: by the rules `portier enroll`
  // and `portier users remove` follow. Removing: why not, or nothing.
  virtual ConsoleUsers users() = 0;
  virtual std::optional<std::string> remove_user(const std::string& name) = 0;
  virtual EnrolResult enrol(const std::string& name, const std::vector<UploadedPhoto>& photos) = 0;
  // Cards, groups, mode, validity and PIN, by the rules of `portier users`.
  virtual UserChangeResult change_user(const std::string& name, const UserChange& change) = 0;
  // A few frames of whoever stands at the door now, each checked as a photo is.
  virtual EnrolResult enrol_from_camera(const std::string& name) = 0;
  // Fits the liveness threshold to this camera from the live faces at the
  // door now (someone real stands there), as `portier liveness calibrate`
  // does, keeps it and applies it at once.
  virtual CalibrationResult calibrate_liveness() = 0;
};

// Passes every event on to `next` and keeps the newest access events for the
// status page. Thread-safe.
class RecentDecisions final : public EventSink {
 public:
  RecentDecisions(EventSink& next, size_t keep = 20) : next_(next), keep_(keep) {}
  void publish(const AccessEvent& event) override;
  void publish(const AlertEvent& event) override { next_.publish(event); }
  std::vector<AccessEvent> newest_first() const;

 private:
  EventSink& next_;
  size_t keep_;
  mutable std::mutex mutex_;
  std::deque<AccessEvent> events_;
};

}  // namespace portier
