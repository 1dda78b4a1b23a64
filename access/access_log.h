// The door's own access log: every decision with a small JPEG of the face,
// for the console's log page (docs/console.md). A SQLite file in the state
// folder, not the record the backend keeps (that is the outbox): capped in
// events and in the bytes of faces it holds, the oldest going first.
//
// Faces are BLOBs in the same file, in a table of their own: a page of the
// log never reads them, a face is written with its event in one
// transaction, and no file name is ever made from what a request asks for.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "access/access_event.h"
#include "access/sqlite_db.h"

namespace portier {

struct AccessLogOptions {
  std::int64_t max_events = 100000;
  std::int64_t max_face_bytes = 200LL << 20;  // 0: keep no faces
  // The door's civil time now ("YYYY-MM-DD HH:MM:SS"), which each event is
  // filed under, so that the page shows the installer's time and day;
  // empty: UTC.
  std::function<std::string()> local_time;
};

struct AccessLogQuery {
  std::string user;               // the user's name, exactly; empty: anyone
  std::optional<Verdict> result;  // empty: any
  std::string day;                // "YYYY-MM-DD"; empty: any
  std::int64_t before = 0;        // only entries older than this `seq`; 0: from the newest
  int limit = 50;
};

struct AccessLogEntry {
  std::int64_t seq = 0;
  std::string id, time, local_time, result, user, credentials, mode, reason;
  std::optional<double> distance, liveness;
  bool has_face = false;
};

struct AccessLogPage {
  std::vector<AccessLogEntry> entries;  // newest first
  bool more = false;                    // older entries match too: ask with before = the last seq
};

class AccessLog {
 public:
  // The log, or why the file cannot serve as one.
  static std::variant<std::unique_ptr<AccessLog>, std::string> open(const std::filesystem::path& file,
                                                                    AccessLogOptions options);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool keeps_faces() const { return options_.max_face_bytes > 0; }
  // Stores the event, and its face when given and kept, in one transaction;
  // drops the oldest events and faces past the caps. Why not, or nothing.
  // Thread-safe, as are the readers below.
  std::optional<std::string> append(const AccessEvent& event, std::string_view face_jpeg = {});
  AccessLogPage query(const AccessLogQuery& query) const;
  // The face kept with event `id`, or nothing (none kept, or rotated out).
  std::optional<std::string> face(const std::string& id) const;
  std::int64_t face_bytes() const;

 private:
  AccessLog(const std::filesystem::path& file, AccessLogOptions options);  // throws SqliteError
  void insert(const AccessEvent& event, std::string_view face_jpeg);         // mutex_ held, throws SqliteError
  void trim();                                                               // mutex_ held, throws SqliteError
  void delete_through(const char* table, std::int64_t seq);

  AccessLogOptions options_;
  // mutable: the readers are const, and a query needs a statement.
  mutable SqliteDb db_;
  mutable std::mutex mutex_;
  std::int64_t face_bytes_ = 0;
};

}  // namespace portier
