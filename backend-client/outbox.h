// The durable outbox: every event is written here before anything is sent,
// and leaves only once every destination has acknowledged it. SQLite in WAL
// mode, one transaction per write, so a crash, a kill or a power cut loses
// nothing that append() returned for.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace portier {

struct OutboxError : std::runtime_error {
  using std::runtime_error::runtime_error;
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
  Append append(const std::string& id, const std::string& kind, const std::string& event_json, std::int64_t reserve = 0);
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
  void exec(const char* sql);
  std::int64_t count_live();  // mutex_ held
  [[noreturn]] void fail(const std::string& what);

  std::filesystem::path file_;
  std::vector<std::string> sinks_;
  std::int64_t max_events_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace portier
