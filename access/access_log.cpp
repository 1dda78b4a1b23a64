#include "access/access_log.h"

#include <algorithm>

namespace portier {
namespace {

const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS access_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  time TEXT NOT NULL,
  local_time TEXT NOT NULL,
  day TEXT NOT NULL,
  result TEXT NOT NULL,
  user TEXT,
  credentials TEXT NOT NULL,
  mode TEXT NOT NULL,
  distance REAL,
  liveness REAL,
  reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_by_user ON access_log(user, seq);
CREATE INDEX IF NOT EXISTS access_log_by_result ON access_log(result, seq);
CREATE INDEX IF NOT EXISTS access_log_by_day ON access_log(day, seq);
CREATE TABLE IF NOT EXISTS access_faces (
  seq INTEGER PRIMARY KEY,
  jpeg BLOB NOT NULL
);
)";

}  // namespace

std::variant<std::unique_ptr<AccessLog>, std::string> AccessLog::open(const std::filesystem::path& file,
                                                                       AccessLogOptions options) {
  try {
    std::unique_ptr<AccessLog> log(new AccessLog(file, std::move(options)));
    std::lock_guard lock(log->mutex_);
    // A smaller cap than the file was kept under applies at once.
    log->trim();
    return log;
  } catch (const SqliteError& e) {
    return std::string(e.what());
  }
}

AccessLog::AccessLog(const std::filesystem::path& file, AccessLogOptions options)
    : options_(std::move(options)), db_(file, {.what = "access log"}) {
  db_.exec(kSchema);
  auto sum = db_.prepare("SELECT COALESCE(SUM(LENGTH(jpeg)), 0) FROM access_faces");
  if (!sum.next()) db_.fail("no sum of faces");
  face_bytes_ = sum.int64(0);
}

AccessLog::~AccessLog() = default;

std::optional<std::string> AccessLog::append(const AccessEvent& event, std::string_view face_jpeg) {
  std::lock_guard lock(mutex_);
  const std::int64_t before = face_bytes_;
  try {
    SqliteTransaction tx(db_);
    insert(event, face_jpeg);
    trim();
    tx.commit();
    return std::nullopt;
  } catch (const SqliteError& e) {
    face_bytes_ = before;  // the transaction rolled back: nothing was added or freed
    return std::string(e.what());
  }
}

void AccessLog::insert(const AccessEvent& event, std::string_view face_jpeg) {
  std::string credentials;
  for (const auto& c : event.credentials) credentials += (credentials.empty() ? "" : "+") + c;
  // "2026-12-05T10:00:00.123Z" -> "2026-12-05 10:00:00" when the door keeps UTC.
  std::string local = options_.local_time ? options_.local_time() : event.time.substr(0, 19);
  if (local.size() > 10 && local[10] == 'T') local[10] = ' ';
  auto s = db_.prepare(
      "INSERT INTO access_log (id, time, day, result, user, credentials, mode, distance, "
      "liveness, reason, local_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  s.bind(1, event.id).bind(2, event.time).bind(3, local.substr(0, 10)).bind(11, local);
  s.bind(4, to_string(event.result)).bind(5, event.user_name).bind(6, credentials).bind(7, event.mode);
  s.bind(8, event.distance).bind(9, event.liveness_score).bind(10, event.reason);
  s.run();
  const auto seq = db_.last_insert_rowid();
  // A face larger than the whole cap would only push itself out.
  if (keeps_faces() && !face_jpeg.empty() && static_cast<std::int64_t>(face_jpeg.size()) <= options_.max_face_bytes) {
    db_.prepare("INSERT INTO access_faces (seq, jpeg) VALUES (?1, ?2)").bind(1, seq).bind_blob(2, face_jpeg.data(), face_jpeg.size()).run();
    face_bytes_ += static_cast<std::int64_t>(face_jpeg.size());
  }
}

void AccessLog::delete_through(const char* table, std::int64_t seq) {
  db_.prepare(std::string("DELETE FROM ") + table + " WHERE seq <= ?1").bind(1, seq).run();
}

// Within the caller's transaction (or at open): the oldest events past
// max_events, then the oldest faces past max_face_bytes.
void AccessLog::trim() {
  auto newest = db_.prepare("SELECT COALESCE(MAX(seq), 0) FROM access_log");
  if (!newest.next()) db_.fail("no newest event");
  const auto cut = newest.int64(0) - options_.max_events;
  if (cut > 0) {
    auto gone = db_.prepare("SELECT COALESCE(SUM(LENGTH(jpeg)), 0) FROM access_faces WHERE seq <= ?1");
    if (!gone.bind(1, cut).next()) db_.fail("no sum of faces");
    const auto bytes = gone.int64(0);
    delete_through("access_faces", cut);
    delete_through("access_log", cut);
    face_bytes_ -= bytes;
  }
  const auto cap = keeps_faces() ? options_.max_face_bytes : 0;
  while (face_bytes_ > cap) {
    std::int64_t upto = 0, freed = 0;
    {
      auto oldest = db_.prepare("SELECT seq, LENGTH(jpeg) FROM access_faces ORDER BY seq LIMIT 64");
      while (face_bytes_ - freed > cap && oldest.next()) {
        upto = oldest.int64(0);
        freed += oldest.int64(1);
      }
    }
    if (upto == 0) break;  // the sum was stale: nothing is left to free
    delete_through("access_faces", upto);
    face_bytes_ -= freed;
  }
  if (face_bytes_ < 0) face_bytes_ = 0;
}

AccessLogPage AccessLog::query(const AccessLogQuery& q) const {
  // Only the conditions asked for, so that SQLite can walk the matching
  // index newest first and stop after one page. Values are bound, never
  // pasted into the text.
  std::string sql =
      "SELECT seq, id, time, local_time, result, user, credentials, mode, distance, liveness, reason, "
      "EXISTS (SELECT 1 FROM access_faces f WHERE f.seq = l.seq) FROM access_log l WHERE 1";
  if (!q.user.empty()) sql += " AND user = ?1";
  if (q.result) sql += " AND result = ?2";
  if (!q.day.empty()) sql += " AND day = ?3";
  if (q.before > 0) sql += " AND seq < ?4";
  sql += " ORDER BY seq DESC LIMIT ?5";
  std::lock_guard lock(mutex_);
  AccessLogPage page;
  try {
    auto s = db_.prepare(sql);
    if (!q.user.empty()) s.bind(1, q.user);
    if (q.result) s.bind(2, to_string(*q.result));
    if (!q.day.empty()) s.bind(3, q.day);
    if (q.before > 0) s.bind(4, q.before);
    const int limit = std::max(1, q.limit);
    s.bind(5, limit + 1);  // one more tells whether there are older ones
    while (s.next()) {
      if (static_cast<int>(page.entries.size()) == limit) {
        page.more = true;
        break;
      }
      AccessLogEntry& e = page.entries.emplace_back();
      e.seq = s.int64(0);
      e.id = s.text(1);
      e.time = s.text(2);
      e.local_time = s.text(3);
      e.result = s.text(4);
      e.user = s.text(5);
      e.credentials = s.text(6);
      e.mode = s.text(7);
      e.distance = s.optional_real(8);
      e.liveness = s.optional_real(9);
      e.reason = s.text(10);
      e.has_face = s.int64(11) != 0;
    }
  } catch (const SqliteError&) {
    // A log that cannot be read costs the page, never the door: what was read is shown.
  }
  return page;
}

std::optional<std::string> AccessLog::face(const std::string& id) const {
  std::lock_guard lock(mutex_);
  try {
    auto s = db_.prepare("SELECT f.jpeg FROM access_faces f JOIN access_log l ON l.seq = f.seq WHERE l.id = ?1");
    if (!s.bind(1, id).next()) return std::nullopt;
    return std::string(s.blob(0));
  } catch (const SqliteError&) {
    return std::nullopt;
  }
}

std::int64_t AccessLog::face_bytes() const {
  std::lock_guard lock(mutex_);
  return face_bytes_;
}

}  // namespace portier
