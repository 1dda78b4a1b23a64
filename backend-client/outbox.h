// The durable outbox: every event is written here before anything is sent,
// and leaves only once every destination has acknowledged it. SQLite in WAL
// mode, one transaction per write, so a crash, a kill or a power cut loses
// nothing that append() returned for.
#pragma once

#include <cstdint>
#include <functional>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "access/sqlite_db.h"

namespace portier {

struct OutboxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The cap's bookkeeping, kept in the outbox file itself: a restart forgets
// neither that events were refused nor how many (docs/protocol.md promises an
// outbox_recovered alert with the count).
struct OutboxOverflow {
  std::int64_t refused = 0;  // events refused since the cap was last reached; 0: no overflow
  bool alerted = false;      // its outbox_full alert is stored
};

struct OutboxRow {
  std::int64_t seq = 0;  // per device, increasing, never reused: receivers order by it
  std::string id;        // the event's UUID: receivers de-duplicate on it
  std::string kind;      // "access" or "alert": where it is published
  std::string body;      // the event as JSON, seq included
};

// Thread-safe: the pipeline appends while the senders read and acknowledge.
class Outbox {
 public:
  // sinks: the destinations that must each acknowledge an event ("http",
  // "mqtt"). max_events: the cap; see append().
  Outbox(const std::filesystem::path& file, std::vector<std::string> sinks, std::int64_t max_events);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  enum class Append { Stored, Full };
  // Stores the event durably. `event` is a JSON object with a string "id";
  // the outbox adds "seq". At the cap an event is refused (Full), never an
  // old one dropped: the caller says so loudly. `reserve` lets a few events
  // (the outbox_full alert itself) in past the cap.
  // A refusal is counted in the overflow record, durably, before it returns.
  Append append(const std::string& id, const std::string& kind, const std::string& event_json, std::int64_t reserve = 0);

  OutboxOverflow overflow();
  // Stores the outbox_full alert (`reserve` past the cap) and marks the
  // overflow alerted, in one transaction; false (nothing stored) when there
  // is no overflow or it was already alerted.
  bool append_overflow_alert(const std::string& id, const std::string& event_json, std::int64_t reserve);
  // When an overflow is recorded and fewer than `below` events wait: stores
  // the alert that make_alert(refused) returns ({id, json}) and clears the
  // record, in one transaction, and returns the refused count. So the
  // recovery is reported exactly once, with its count, across restarts.
  std::optional<std::int64_t> end_overflow(
      std::int64_t below, const std::function<std::pair<std::string, std::string>(std::int64_t refused)>& make_alert);
  // Up to `limit` events `sink` has not acknowledged, oldest first.
  std::vector<OutboxRow> pending(const std::string& sink, size_t limit);
  // `sink` has every event up to and including `seq`. Events every sink has
  // are deleted.
  void acknowledge(const std::string& sink, std::int64_t seq);

  std::int64_t size();                            // events some sink still lacks
  std::int64_t backlog(const std::string& sink);  // events this sink lacks
  std::int64_t max_events() const { return max_events_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  void insert(const std::string& id, const std::string& kind, const std::string& event_json);  // mutex_ held
  void set_overflow(std::int64_t refused, bool alerted);                                      // mutex_ held
  OutboxOverflow read_overflow();                                                             // mutex_ held
  std::int64_t count_live();  // mutex_ held

  std::filesystem::path file_;
  std::vector<std::string> sinks_;
  std::int64_t max_events_;
  std::mutex mutex_;
  SqliteDb db_;  // throws OutboxError
};

}  // namespace portier
