#include "access/access_log.h"

#include <sqlite3.h>

#include "access/sqlite_file.h"

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

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* text = sqlite3_column_text(s, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

std::optional<double> column_real(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(s, i);
}

void bind_text(sqlite3_stmt* s, int i, const std::string& text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// Rolls back unless committed: a failed append leaves the log as it was.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK; }
  ~Transaction() {
    if (ok_ && !committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool began() const { return ok_; }
  bool commit() { return committed_ = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK; }

 private:
  sqlite3* db_;
  bool ok_ = false, committed_ = false;
};

}  // namespace

std::variant<std::unique_ptr<AccessLog>, std::string> AccessLog::open(const std::filesystem::path& file,
                                                                       AccessLogOptions options) {
  auto opened = open_sqlite(file, false);
  if (auto* why = std::get_if<std::string>(&opened)) return "access log " + file.string() + ": " + *why;
  sqlite3* db = std::get<sqlite3*>(opened);
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string why = "access log " + file.string() + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return why;
  }
  std::unique_ptr<AccessLog> log(new AccessLog(db, std::move(options)));
  auto sum = prepare_sqlite(db, "SELECT COALESCE(SUM(LENGTH(jpeg)), 0) FROM access_faces");
  if (!sum || sqlite3_step(sum.get()) != SQLITE_ROW) return "access log " + file.string() + ": " + sqlite3_errmsg(db);
  log->face_bytes_ = sqlite3_column_int64(sum.get(), 0);
  // A smaller cap than the file was kept under applies at once.
  if (auto why = log->trim()) return "access log " + file.string() + ": " + *why;
  return log;
}

AccessLog::AccessLog(sqlite3* db, AccessLogOptions options) : db_(db), options_(std::move(options)) {}

AccessLog::~AccessLog() { sqlite3_close(db_); }

std::optional<std::string> AccessLog::append(const AccessEvent& event, std::string_view face_jpeg) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  if (!tx.began()) return std::string("cannot begin: ") + sqlite3_errmsg(db_);
  auto insert = prepare_sqlite(db_,
                               "INSERT INTO access_log (id, time, day, result, user, credentials, mode, distance, "
                               "liveness, reason, local_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert) return std::string(sqlite3_errmsg(db_));
  std::string credentials;
  for (const auto& c : event.credentials) credentials += (credentials.empty() ? "" : "+") + c;
  auto* s = insert.get();
  bind_text(s, 1, event.id);
  bind_text(s, 2, event.time);
  // "2026-12-05T10:00:00.123Z" -> "2026-12-05 10:00:00" when the door keeps UTC.
  std::string local = options_.local_time ? options_.local_time() : event.time.substr(0, 19);
  if (local.size() > 10 && local[10] == 'T') local[10] = ' ';
  bind_text(s, 3, local.substr(0, 10));
  bind_text(s, 11, local);
  bind_text(s, 4, to_string(event.result));
  if (event.user_name) bind_text(s, 5, *event.user_name);
  bind_text(s, 6, credentials);
  bind_text(s, 7, event.mode);
  if (event.distance) sqlite3_bind_double(s, 8, *event.distance);
  if (event.liveness_score) sqlite3_bind_double(s, 9, *event.liveness_score);
  bind_text(s, 10, event.reason);
  if (sqlite3_step(s) != SQLITE_DONE) return std::string(sqlite3_errmsg(db_));
  const auto seq = sqlite3_last_insert_rowid(db_);
  std::int64_t added = 0;
  // A face larger than the whole cap would only push itself out.
  if (keeps_faces() && !face_jpeg.empty() && static_cast<std::int64_t>(face_jpeg.size()) <= options_.max_face_bytes) {
    auto put = prepare_sqlite(db_, "INSERT INTO access_faces (seq, jpeg) VALUES (?1, ?2)");
    if (!put) return std::string(sqlite3_errmsg(db_));
    sqlite3_bind_int64(put.get(), 1, seq);
    sqlite3_bind_blob(put.get(), 2, face_jpeg.data(), static_cast<int>(face_jpeg.size()), SQLITE_STATIC);
    if (sqlite3_step(put.get()) != SQLITE_DONE) return std::string(sqlite3_errmsg(db_));
    added = static_cast<std::int64_t>(face_jpeg.size());
  }
  face_bytes_ += added;
  if (auto why = trim()) {
    face_bytes_ -= added;
    return why;
  }
  if (!tx.commit()) {
    face_bytes_ -= added;
    return std::string("cannot commit: ") + sqlite3_errmsg(db_);
  }
  return std::nullopt;
}

// Within the caller's transaction (or at open): the oldest events past
// max_events, then the oldest faces past max_face_bytes.
std::optional<std::string> AccessLog::trim() {
  auto newest = prepare_sqlite(db_, "SELECT COALESCE(MAX(seq), 0) FROM access_log");
  if (!newest || sqlite3_step(newest.get()) != SQLITE_ROW) return std::string(sqlite3_errmsg(db_));
  const auto cut = sqlite3_column_int64(newest.get(), 0) - options_.max_events;
  if (cut > 0) {
    auto gone = prepare_sqlite(db_, "SELECT COALESCE(SUM(LENGTH(jpeg)), 0) FROM access_faces WHERE seq <= ?1");
    if (!gone) return std::string(sqlite3_errmsg(db_));
    sqlite3_bind_int64(gone.get(), 1, cut);
    if (sqlite3_step(gone.get()) != SQLITE_ROW) return std::string(sqlite3_errmsg(db_));
    const auto bytes = sqlite3_column_int64(gone.get(), 0);
    for (const char* sql : {"DELETE FROM access_faces WHERE seq <= ?1", "DELETE FROM access_log WHERE seq <= ?1"}) {
      auto del = prepare_sqlite(db_, sql);
      if (!del) return std::string(sqlite3_errmsg(db_));
      sqlite3_bind_int64(del.get(), 1, cut);
      if (sqlite3_step(del.get()) != SQLITE_DONE) return std::string(sqlite3_errmsg(db_));
    }
    face_bytes_ -= bytes;
  }
  const auto cap = keeps_faces() ? options_.max_face_bytes : 0;
  while (face_bytes_ > cap) {
    auto oldest = prepare_sqlite(db_, "SELECT seq, LENGTH(jpeg) FROM access_faces ORDER BY seq LIMIT 64");
    if (!oldest) return std::string(sqlite3_errmsg(db_));
    std::int64_t upto = 0, freed = 0;
    while (face_bytes_ - freed > cap && sqlite3_step(oldest.get()) == SQLITE_ROW) {
      upto = sqlite3_column_int64(oldest.get(), 0);
      freed += sqlite3_column_int64(oldest.get(), 1);
    }
    oldest.reset();
    if (upto == 0) break;  // the sum was stale: nothing is left to free
    auto del = prepare_sqlite(db_, "DELETE FROM access_faces WHERE seq <= ?1");
    if (!del) return std::string(sqlite3_errmsg(db_));
    sqlite3_bind_int64(del.get(), 1, upto);
    if (sqlite3_step(del.get()) != SQLITE_DONE) return std::string(sqlite3_errmsg(db_));
    face_bytes_ -= freed;
  }
  if (face_bytes_ < 0) face_bytes_ = 0;
  return std::nullopt;
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
  auto stmt = prepare_sqlite(db_, sql.c_str());
  if (!stmt) return page;
  auto* s = stmt.get();
  if (!q.user.empty()) bind_text(s, 1, q.user);
  if (q.result) bind_text(s, 2, to_string(*q.result));
  if (!q.day.empty()) bind_text(s, 3, q.day);
  if (q.before > 0) sqlite3_bind_int64(s, 4, q.before);
  const int limit = std::max(1, q.limit);
  sqlite3_bind_int(s, 5, limit + 1);  // one more tells whether there are older ones
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (static_cast<int>(page.entries.size()) == limit) {
      page.more = true;
      break;
    }
    AccessLogEntry e;
    e.seq = sqlite3_column_int64(s, 0);
    e.id = column_text(s, 1);
    e.time = column_text(s, 2);
    e.local_time = column_text(s, 3);
    e.result = column_text(s, 4);
    e.user = column_text(s, 5);
    e.credentials = column_text(s, 6);
    e.mode = column_text(s, 7);
    e.distance = column_real(s, 8);
    e.liveness = column_real(s, 9);
    e.reason = column_text(s, 10);
    e.has_face = sqlite3_column_int(s, 11) != 0;
    page.entries.push_back(std::move(e));
  }
  return page;
}

std::optional<std::string> AccessLog::face(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto stmt = prepare_sqlite(db_, "SELECT f.jpeg FROM access_faces f JOIN access_log l ON l.seq = f.seq WHERE l.id = ?1");
  if (!stmt) return std::nullopt;
  bind_text(stmt.get(), 1, id);
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return std::nullopt;
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt.get(), 0));
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), 0)));
}

std::int64_t AccessLog::face_bytes() const {
  std::lock_guard lock(mutex_);
  return face_bytes_;
}

}  // namespace portier
