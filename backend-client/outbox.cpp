#include "backend-client/outbox.h"

#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "access/sqlite_db.h"

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

void raise_outbox_error(const std::string& message) { throw OutboxError(message); }

}  // namespace

// Durable: a returned append survives a power cut, not only a crash.
// Appends come at the rate of decisions, so the fsync costs nothing that matters.
Outbox::Outbox(const std::filesystem::path& file, std::vector<std::string> sinks, std::int64_t max_events)
    : file_(file),
      sinks_(std::move(sinks)),
      max_events_(max_events),
      db_(file, {.what = "outbox", .durable = true, .raise = &raise_outbox_error}) {
  db_.exec(kSchema);
  auto add = db_.prepare("INSERT OR IGNORE INTO cursors(sink, acked) VALUES(?1, 0)");
  for (const auto& sink : sinks_) {
    add.reset();
    add.bind(1, sink).run();
  }
}

Outbox::~Outbox() = default;

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
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  // Alone, one statement is one transaction: durable when it returns.
  db_.prepare("INSERT INTO events(id, kind, body, created_at) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(id) DO NOTHING")
      .bind(1, id)
      .bind(2, kind)
      .bind(3, event_json)
      .bind(4, now)
      .run();
}

OutboxOverflow Outbox::read_overflow() {
  auto s = db_.prepare("SELECT refused, alerted FROM overflow WHERE one = 1");
  if (!s.next()) db_.fail("the overflow row is missing");
  return {s.int64(0), s.int64(1) != 0};
}

void Outbox::set_overflow(std::int64_t refused, bool alerted) {
  db_.prepare("UPDATE overflow SET refused = ?1, alerted = ?2 WHERE one = 1").bind(1, refused).bind(2, alerted ? 1 : 0).run();
}

OutboxOverflow Outbox::overflow() {
  std::lock_guard lock(mutex_);
  return read_overflow();
}

bool Outbox::append_overflow_alert(const std::string& id, const std::string& event_json, std::int64_t reserve) {
  std::lock_guard lock(mutex_);
  SqliteTransaction tx(db_);
  const auto o = read_overflow();
  if (o.refused == 0 || o.alerted) return false;
  if (count_live() >= max_events_ + reserve) return false;
  insert(id, "alert", event_json);
  set_overflow(o.refused, true);
  tx.commit();
  return true;
}

std::optional<std::int64_t> Outbox::end_overflow(
    std::int64_t below, const std::function<std::pair<std::string, std::string>(std::int64_t refused)>& make_alert) {
  std::lock_guard lock(mutex_);
  SqliteTransaction tx(db_);
  const auto o = read_overflow();
  if (o.refused == 0 || count_live() >= below) return std::nullopt;
  const auto [id, json] = make_alert(o.refused);
  insert(id, "alert", json);
  set_overflow(0, false);
  tx.commit();
  return o.refused;
}

std::vector<OutboxRow> Outbox::pending(const std::string& sink, size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(
      "SELECT seq, id, kind, body FROM events WHERE seq > (SELECT acked FROM cursors WHERE sink = ?1) "
      "ORDER BY seq LIMIT ?2");
  s.bind(1, sink).bind(2, static_cast<std::int64_t>(limit));
  std::vector<OutboxRow> rows;
  while (s.next()) {
    OutboxRow row;
    row.seq = s.int64(0);
    row.id = s.text(1);
    row.kind = s.text(2);
    // The sequence number goes into the body so that every receiver can
    // put events back in order, whatever path they took.
    auto body = nlohmann::json::parse(s.text(3), nullptr, false);
    if (!body.is_object()) body = nlohmann::json{{"id", row.id}, {"type", "corrupt"}};
    body["seq"] = row.seq;
    row.body = body.dump();
    rows.push_back(std::move(row));
  }
  return rows;
}

void Outbox::acknowledge(const std::string& sink, std::int64_t seq) {
  std::lock_guard lock(mutex_);
  SqliteTransaction tx(db_);
  db_.prepare("UPDATE cursors SET acked = MAX(acked, ?2) WHERE sink = ?1").bind(1, sink).bind(2, seq).run();
  // Only the sinks configured now hold events back: one that was removed
  // from the config must not keep the outbox growing forever.
  std::string in;
  for (size_t i = 0; i < sinks_.size(); ++i) in += (i ? ",?" : "?") + std::to_string(i + 1);
  auto prune = db_.prepare("DELETE FROM events WHERE seq <= (SELECT MIN(acked) FROM cursors WHERE sink IN (" + in + "))");
  for (size_t i = 0; i < sinks_.size(); ++i) prune.bind(static_cast<int>(i + 1), sinks_[i]);
  prune.run();
  tx.commit();
}

std::int64_t Outbox::size() {
  std::lock_guard lock(mutex_);
  return count_live();
}

std::int64_t Outbox::backlog(const std::string& sink) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT COALESCE(MAX(seq), 0) - (SELECT acked FROM cursors WHERE sink = ?1) FROM events");
  if (!s.bind(1, sink).next()) db_.fail("no backlog row");
  return std::max<std::int64_t>(0, s.int64(0));
}

std::int64_t Outbox::count_live() {
  auto s = db_.prepare("SELECT COALESCE(MAX(seq) - MIN(seq) + 1, 0) FROM events");
  if (!s.next()) db_.fail("no count row");
  return s.int64(0);
}

}  // namespace portier
