#include "backend-client/outbox.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "access/sqlite_file.h"

namespace portier {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
  sink  TEXT PRIMARY KEY,
  acked INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS overflow (
  one     INTEGER PRIMARY KEY CHECK (one = 1),
  refused INTEGER NOT NULL,
  alerted INTEGER NOT NULL
);
INSERT OR IGNORE INTO overflow(one, refused, alerted) VALUES (1, 0, 0);
)sql";

}  // namespace

Outbox::Outbox(const std::filesystem::path& file, std::vector<std::string> sinks, std::int64_t max_events)
    : file_(file), sinks_(std::move(sinks)), max_events_(max_events) {
  // Durable: a returned append survives a power cut, not only a crash.
  // Appends come at the rate of decisions, so the fsync costs nothing that matters.
  auto opened = open_sqlite(file, true);
  if (auto* why = std::get_if<std::string>(&opened)) {
    if (why->find("not a database") != std::string::npos)
      throw OutboxError("outbox " + file.string() + " is not a portier outbox (not a SQLite database)");
    throw OutboxError("outbox " + file.string() + " cannot be opened: " + *why);
  }
  db_ = std::get<sqlite3*>(opened);
  try {
    exec(kSchema);
    for (const auto& sink : sinks_) {
      sqlite3_stmt* raw = nullptr;
      sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO cursors(sink, acked) VALUES(?1, 0)", -1, &raw, nullptr);
      SqliteStatement s(raw, sqlite3_finalize);
      if (!s) fail("prepare");
      sqlite3_bind_text(s.get(), 1, sink.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s.get()) != SQLITE_DONE) fail("register sink " + sink);
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Outbox::~Outbox() { sqlite3_close(db_); }

void Outbox::fail(const std::string& what) {
  const std::string why = sqlite3_errmsg(db_);
  if (why.find("not a database") != std::string::npos)
    throw OutboxError("outbox " + file_.string() + " is not a portier outbox (not a SQLite database)");
  throw OutboxError("outbox " + file_.string() + ": " + what + ": " + why);
}

void Outbox::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    fail("setup");
  }
}

Outbox::Append Outbox::append(const std::string& id, const std::string& kind, const std::string& event_json,
                              std::int64_t reserve) {
  std::lock_guard lock(mutex_);
  // Rows leave only from the front (acknowledged by every sink), so the
  // live ones are contiguous and counting them is two index lookups.
  if (count_live() >= max_events_ + reserve) {
    const auto o = read_overflow();
    set_overflow(o.refused + 1, o.alerted);
    return Append::Full;
  }
  insert(id, kind, event_json);
  return Append::Stored;
}

void Outbox::insert(const std::string& id, const std::string& kind, const std::string& event_json) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_,
                     "INSERT INTO events(id, kind, body, created_at) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO NOTHING",
                     -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) fail("prepare append");
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  sqlite3_bind_text(s.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, kind.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 3, event_json.c_str(), static_cast<int>(event_json.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(s.get(), 4, now);
  // Alone, one statement is one transaction: durable when it returns.
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("append");
}

OutboxOverflow Outbox::read_overflow() {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "SELECT refused, alerted FROM overflow WHERE one = 1", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) fail("prepare overflow");
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail("read overflow");
  return {sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1) != 0};
}

void Outbox::set_overflow(std::int64_t refused, bool alerted) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "UPDATE overflow SET refused = ?1, alerted = ?2 WHERE one = 1", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) fail("prepare overflow update");
  sqlite3_bind_int64(s.get(), 1, refused);
  sqlite3_bind_int(s.get(), 2, alerted ? 1 : 0);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("update overflow");
}

template <typename F>
auto Outbox::in_transaction(F&& body) {
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) fail("begin");
  try {
    auto result = body();
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) fail("commit");
    return result;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

OutboxOverflow Outbox::overflow() {
  std::lock_guard lock(mutex_);
  return read_overflow();
}

bool Outbox::append_overflow_alert(const std::string& id, const std::string& event_json, std::int64_t reserve) {
  std::lock_guard lock(mutex_);
  return in_transaction([&] {
    const auto o = read_overflow();
    if (o.refused == 0 || o.alerted) return false;
    if (count_live() >= max_events_ + reserve) return false;
    insert(id, "alert", event_json);
    set_overflow(o.refused, true);
    return true;
  });
}

std::optional<std::int64_t> Outbox::end_overflow(
    std::int64_t below, const std::function<std::pair<std::string, std::string>(std::int64_t refused)>& make_alert) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> std::optional<std::int64_t> {
    const auto o = read_overflow();
    if (o.refused == 0 || count_live() >= below) return std::nullopt;
    const auto [id, json] = make_alert(o.refused);
    insert(id, "alert", json);
    set_overflow(0, false);
    return o.refused;
  });
}

std::vector<OutboxRow> Outbox::pending(const std::string& sink, size_t limit) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_,
                     "SELECT seq, id, kind, body FROM events WHERE seq > (SELECT acked FROM cursors WHERE sink = ?1) "
                     "ORDER BY seq LIMIT ?2",
                     -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) fail("prepare pending");
  sqlite3_bind_text(s.get(), 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(limit));
  std::vector<OutboxRow> rows;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    OutboxRow row;
    row.seq = sqlite3_column_int64(s.get(), 0);
    row.id = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    row.kind = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 2));
    // The sequence number goes into the body so that every receiver can
    // put events back in order, whatever path they took.
    auto body = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 3)), nullptr, false);
    if (!body.is_object()) body = nlohmann::json{{"id", row.id}, {"type", "corrupt"}};
    body["seq"] = row.seq;
    row.body = body.dump();
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) fail("read pending");
  return rows;
}

void Outbox::acknowledge(const std::string& sink, std::int64_t seq) {
  std::lock_guard lock(mutex_);
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) fail("begin");
  auto rollback = [&] { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); };
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "UPDATE cursors SET acked = MAX(acked, ?2) WHERE sink = ?1", -1, &raw, nullptr);
  SqliteStatement update(raw, sqlite3_finalize);
  if (!update) {
    rollback();
    fail("prepare acknowledge");
  }
  sqlite3_bind_text(update.get(), 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(update.get(), 2, seq);
  if (sqlite3_step(update.get()) != SQLITE_DONE) {
    rollback();
    fail("acknowledge");
  }
  // Only the sinks configured now hold events back: one that was removed
  // from the config must not keep the outbox growing forever.
  std::string in;
  for (size_t i = 0; i < sinks_.size(); ++i) in += (i ? ",?" : "?") + std::to_string(i + 1);
  raw = nullptr;
  sqlite3_prepare_v2(db_, ("DELETE FROM events WHERE seq <= (SELECT MIN(acked) FROM cursors WHERE sink IN (" + in + "))").c_str(),
                     -1, &raw, nullptr);
  SqliteStatement prune(raw, sqlite3_finalize);
  if (!prune) {
    rollback();
    fail("prepare prune");
  }
  for (size_t i = 0; i < sinks_.size(); ++i)
    sqlite3_bind_text(prune.get(), static_cast<int>(i + 1), sinks_[i].c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(prune.get()) != SQLITE_DONE) {
    rollback();
    fail("prune");
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    rollback();
    fail("commit");
  }
}

std::int64_t Outbox::size() {
  std::lock_guard lock(mutex_);
  return count_live();
}

std::int64_t Outbox::backlog(const std::string& sink) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_,
                     "SELECT COALESCE(MAX(seq), 0) - (SELECT acked FROM cursors WHERE sink = ?1) FROM events", -1,
                     &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) fail("prepare backlog");
  sqlite3_bind_text(s.get(), 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_ROW) fail("backlog");
  return std::max<std::int64_t>(0, sqlite3_column_int64(s.get(), 0));
}

std::int64_t Outbox::count_live() {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(seq) - MIN(seq) + 1, 0) FROM events", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s || sqlite3_step(s.get()) != SQLITE_ROW) fail("count");
  return sqlite3_column_int64(s.get(), 0);
}

}  // namespace portier
