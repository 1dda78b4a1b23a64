#include "access/gallery.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "access/access_policy.h"
#include "access/sqlite_file.h"
#include "access/time_format.h"

namespace portier {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS embeddings (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  vector     BLOB NOT NULL CHECK (length(vector) = 512),
  source     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS embeddings_user ON embeddings(user_id);
CREATE TABLE IF NOT EXISTS cards (
  card       TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_user ON cards(user_id);
CREATE TABLE IF NOT EXISTS pins (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  hash        TEXT NOT NULL,
  duress_hash TEXT,
  updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_groups (
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  grp        TEXT NOT NULL,
  PRIMARY KEY (user_id, grp)
);
CREATE TABLE IF NOT EXISTS access_policy (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  document   TEXT NOT NULL,
  etag       TEXT NOT NULL,
  stored_at  TEXT NOT NULL
);
)sql";

// Columns added after the first release; older galleries get them on open.
constexpr std::pair<const char*, const char*> kAddedColumns[] = {
    {"external_id", "ALTER TABLE users ADD COLUMN external_id TEXT"},
    {"valid_from", "ALTER TABLE users ADD COLUMN valid_from INTEGER"},    // unix seconds, NULL: open
    {"valid_until", "ALTER TABLE users ADD COLUMN valid_until INTEGER"},
    {"mode", "ALTER TABLE users ADD COLUMN mode TEXT"},  // the user's own verification mode, NULL: the door's
};

std::optional<std::chrono::system_clock::time_point> time_column(sqlite3_stmt* s, int column) {
  if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
  // Past 2262 the clock's nanoseconds overflow: such a time is never reached.
  const auto seconds = sqlite3_column_int64(s, column);
  if (seconds > 9'000'000'000) return std::chrono::system_clock::time_point::max();
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// Rolls back unless commit() was reached: any exception leaves no trace.
class Transaction {
 public:
  explicit Transaction(sqlite3* db, const std::filesystem::path& file) : db_(db), file_(file) {
    check(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr));
    done_ = true;
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const std::filesystem::path& file_;
  bool done_ = false;
};

}  // namespace

Gallery::Gallery(const std::filesystem::path& file) : file_(file) {
  auto opened = open_sqlite(file, false);
  if (auto* why = std::get_if<std::string>(&opened)) {
    if (why->find("not a database") != std::string::npos)
      throw GalleryError("gallery " + file.string() + " is not a portier gallery (not a SQLite database)");
    throw GalleryError("gallery " + file.string() + " cannot be opened: " + *why);
  }
  db_ = std::get<sqlite3*>(opened);
  try {
    exec("PRAGMA foreign_keys = ON");
    exec(kSchema);
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Gallery::~Gallery() { sqlite3_close(db_); }

void Gallery::migrate() {
  std::set<std::string> columns;
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "PRAGMA table_info(users)", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  while (s && sqlite3_step(s.get()) == SQLITE_ROW) columns.insert(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)));
  for (const auto& [column, sql] : kAddedColumns)
    if (!columns.count(column)) exec(sql);
}

void Gallery::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    if (why.find("not a database") != std::string::npos)
      throw GalleryError("gallery " + file_.string() + " is not a portier gallery (not a SQLite database)");
    throw GalleryError("gallery " + file_.string() + ": " + why);
  }
}

SqliteStatement Gallery::prepare(const char* sql) {
  auto s = prepare_sqlite(db_, sql);
  if (!s) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return s;
}

void Gallery::step_done(sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
}

std::int64_t Gallery::enroll(const std::string& name, const std::vector<Sample>& samples) {
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());

  Transaction tx(db_, file_);
  auto upsert = prepare("INSERT INTO users(name, created_at) VALUES(?1, ?2) ON CONFLICT(name) DO NOTHING");
  sqlite3_bind_text(upsert.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(upsert.get(), 2, now.c_str(), -1, SQLITE_TRANSIENT);
  step_done(upsert.get());
  auto find = prepare("SELECT id FROM users WHERE name = ?1");
  sqlite3_bind_text(find.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(find.get()) != SQLITE_ROW) throw GalleryError("gallery " + file_.string() + ": user vanished");
  const std::int64_t user_id = sqlite3_column_int64(find.get(), 0);

  auto insert = prepare("INSERT INTO embeddings(user_id, vector, source, created_at) VALUES(?1, ?2, ?3, ?4)");
  for (const auto& sample : samples) {
    sqlite3_reset(insert.get());
    sqlite3_bind_int64(insert.get(), 1, user_id);
    // float32, native byte order: little-endian on both x86-64 and arm64.
    sqlite3_bind_blob(insert.get(), 2, sample.embedding.data(), sizeof(float) * kEmbeddingSize, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert.get(), 3, sample.source.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert.get(), 4, now.c_str(), -1, SQLITE_TRANSIENT);
    step_done(insert.get());
  }
  tx.commit();
  return user_id;
}

std::vector<Gallery::UserSummary> Gallery::users() {
  // One query for the whole list: a page of users costs one read.
  auto s = prepare(
      "SELECT u.id, u.name, u.created_at, (SELECT COUNT(*) FROM embeddings e WHERE e.user_id = u.id), "
      "COALESCE(u.external_id, ''), u.valid_from, u.valid_until, u.mode FROM users u ORDER BY u.name");
  std::vector<UserSummary> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    UserSummary& u = out.emplace_back();
    u.id = sqlite3_column_int64(s.get(), 0);
    u.name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1));
    u.created_at = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 2));
    u.embeddings = sqlite3_column_int(s.get(), 3);
    u.external_id = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 4));
    u.validity = Validity{time_column(s.get(), 5), time_column(s.get(), 6)};
    if (sqlite3_column_type(s.get(), 7) != SQLITE_NULL) {
      const std::string text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 7));
      u.mode = parse_verification_mode(text);
      if (!u.mode) throw GalleryError("gallery " + file_.string() + ": user '" + u.name + "' has an unknown mode '" + text + "'");
    }
  }
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

bool Gallery::remove(const std::string& name) {
  Transaction tx(db_, file_);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM users WHERE name = ?1", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  const bool removed = sqlite3_changes(db_) > 0;
  tx.commit();
  return removed;
}

EmbeddingIndex Gallery::load_index() {
  loaded_version_ = data_version();
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_,
                     "SELECT u.id, u.name, e.vector, u.valid_from, u.valid_until FROM embeddings e "
                     "JOIN users u ON u.id = e.user_id ORDER BY e.id",
                     -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  EmbeddingIndex index;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    Embedding e;
    if (sqlite3_column_bytes(s.get(), 2) != static_cast<int>(sizeof(e)))
      throw GalleryError("gallery " + file_.string() + " holds an embedding of the wrong size");
    std::memcpy(e.data(), sqlite3_column_blob(s.get(), 2), sizeof(e));
    index.add(sqlite3_column_int64(s.get(), 0), reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)), e,
              Validity{time_column(s.get(), 3), time_column(s.get(), 4)});
  }
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return index;
}

size_t Gallery::replace_all(const std::vector<Entry>& entries, const std::string& source) {
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  Transaction tx(db_, file_);
  for (const char* table : {"embeddings", "cards", "pins", "user_groups", "users"})
    exec(("DELETE FROM " + std::string(table)).c_str());
  auto user = prepare(
      "INSERT INTO users(name, created_at, external_id, valid_from, valid_until, mode) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  auto insert = prepare("INSERT INTO embeddings(user_id, vector, source, created_at) VALUES(?1, ?2, ?3, ?4)");
  auto card = prepare("INSERT INTO cards(card, user_id, created_at) VALUES(?1, ?2, ?3)");
  auto group = prepare("INSERT OR IGNORE INTO user_groups(user_id, grp) VALUES(?1, ?2)");
  auto pin = prepare("INSERT INTO pins(user_id, hash, duress_hash, updated_at) VALUES(?1, ?2, ?3, ?4)");
  std::map<std::string, std::string> card_holder;
  auto bind_time = [](sqlite3_stmt* s, int i, const std::optional<std::chrono::system_clock::time_point>& t) {
    if (t) sqlite3_bind_int64(s, i, std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count());
    else sqlite3_bind_null(s, i);
  };
  for (const auto& entry : entries) {
    sqlite3_reset(user.get());
    sqlite3_bind_text(user.get(), 1, entry.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(user.get(), 2, now.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(user.get(), 3, entry.external_id.c_str(), -1, SQLITE_TRANSIENT);
    bind_time(user.get(), 4, entry.validity.from);
    bind_time(user.get(), 5, entry.validity.until);
    if (entry.mode) sqlite3_bind_text(user.get(), 6, to_string(*entry.mode), -1, SQLITE_STATIC);
    else sqlite3_bind_null(user.get(), 6);
    step_done(user.get());
    const std::int64_t user_id = sqlite3_last_insert_rowid(db_);
    for (const auto& embedding : entry.embeddings) {
      sqlite3_reset(insert.get());
      sqlite3_bind_int64(insert.get(), 1, user_id);
      sqlite3_bind_blob(insert.get(), 2, embedding.data(), sizeof(float) * kEmbeddingSize, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 3, source.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 4, now.c_str(), -1, SQLITE_TRANSIENT);
      step_done(insert.get());
    }
    for (const auto& number : entry.cards) {
      if (auto problem = card_number_problem(number)) throw GalleryError("user '" + entry.name + "': " + *problem);
      if (auto [it, fresh] = card_holder.emplace(number, entry.name); !fresh)
        throw GalleryError("card " + number + " is given to both '" + it->second + "' and '" + entry.name + "'");
      sqlite3_reset(card.get());
      sqlite3_bind_text(card.get(), 1, number.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(card.get(), 2, user_id);
      sqlite3_bind_text(card.get(), 3, now.c_str(), -1, SQLITE_TRANSIENT);
      step_done(card.get());
    }
    for (const auto& name : entry.groups) {
      if (auto problem = group_name_problem(name)) throw GalleryError("user '" + entry.name + "': " + *problem);
      sqlite3_reset(group.get());
      sqlite3_bind_int64(group.get(), 1, user_id);
      sqlite3_bind_text(group.get(), 2, name.c_str(), -1, SQLITE_TRANSIENT);
      step_done(group.get());
    }
    if (entry.pin) {
      if (auto problem = pin_hash_problem(entry.pin->hash)) throw GalleryError("user '" + entry.name + "': " + *problem);
      if (!entry.pin->duress_hash.empty())
        if (auto problem = pin_hash_problem(entry.pin->duress_hash))
          throw GalleryError("user '" + entry.name + "', duress PIN: " + *problem);
      sqlite3_reset(pin.get());
      sqlite3_bind_int64(pin.get(), 1, user_id);
      sqlite3_bind_text(pin.get(), 2, entry.pin->hash.c_str(), -1, SQLITE_TRANSIENT);
      if (entry.pin->duress_hash.empty()) sqlite3_bind_null(pin.get(), 3);
      else sqlite3_bind_text(pin.get(), 3, entry.pin->duress_hash.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(pin.get(), 4, now.c_str(), -1, SQLITE_TRANSIENT);
      step_done(pin.get());
    }
  }
  tx.commit();
  return entries.size();
}

std::int64_t Gallery::data_version() {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &raw, nullptr);
  SqliteStatement s(raw, sqlite3_finalize);
  if (!s || sqlite3_step(s.get()) != SQLITE_ROW) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return sqlite3_column_int64(s.get(), 0);
}

bool Gallery::changed_since_load() { return data_version() != loaded_version_; }

std::int64_t Gallery::user_id(const std::string& name) {
  auto find = prepare("SELECT id FROM users WHERE name = ?1");
  sqlite3_bind_text(find.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(find.get()) != SQLITE_ROW) throw GalleryRefusal("no enrolled user is called '" + name + "'");
  return sqlite3_column_int64(find.get(), 0);
}

void Gallery::add_card(const std::string& name, const std::string& card) {
  if (auto problem = card_number_problem(card)) throw GalleryRefusal(*problem);
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto owner = prepare("SELECT u.name FROM cards c JOIN users u ON u.id = c.user_id WHERE c.card = ?1");
  sqlite3_bind_text(owner.get(), 1, card.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(owner.get()) == SQLITE_ROW) {
    const std::string holder = reinterpret_cast<const char*>(sqlite3_column_text(owner.get(), 0));
    throw GalleryRefusal(holder == name ? "'" + name + "' already holds card " + card
                                      : "card " + card + " already belongs to '" + holder + "'");
  }
  auto insert = prepare("INSERT INTO cards(card, user_id, created_at) VALUES(?1, ?2, ?3)");
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  sqlite3_bind_text(insert.get(), 1, card.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert.get(), 2, id);
  sqlite3_bind_text(insert.get(), 3, now.c_str(), -1, SQLITE_TRANSIENT);
  step_done(insert.get());
  tx.commit();
}

bool Gallery::remove_of_user(const std::string& name, const char* delete_sql, const std::string& value) {
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto remove = prepare(delete_sql);
  sqlite3_bind_text(remove.get(), 1, value.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(remove.get(), 2, id);
  step_done(remove.get());
  const bool removed = sqlite3_changes(db_) > 0;
  tx.commit();
  return removed;
}

std::vector<std::string> Gallery::texts_of_user(const std::string& name, const char* select_sql) {
  const std::int64_t id = user_id(name);
  auto s = prepare(select_sql);
  sqlite3_bind_int64(s.get(), 1, id);
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

bool Gallery::remove_card(const std::string& name, const std::string& card) {
  return remove_of_user(name, "DELETE FROM cards WHERE card = ?1 AND user_id = ?2", card);
}

std::vector<std::string> Gallery::cards_of(const std::string& name) {
  return texts_of_user(name, "SELECT card FROM cards WHERE user_id = ?1 ORDER BY card");
}

CardDirectory Gallery::load_cards() {
  auto s = prepare("SELECT c.card, u.id, u.name, u.valid_from, u.valid_until FROM cards c JOIN users u ON u.id = c.user_id");
  CardDirectory out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.add(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)),
            {sqlite3_column_int64(s.get(), 1), reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 2)),
             Validity{time_column(s.get(), 3), time_column(s.get(), 4)}});
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

void Gallery::set_pin(const std::string& name, const std::string& pin, PinKind kind, PinHashCost cost) {
  if (auto problem = pin_problem(pin)) throw GalleryRefusal(*problem);
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto current = prepare("SELECT hash, duress_hash FROM pins WHERE user_id = ?1");
  sqlite3_bind_int64(current.get(), 1, id);
  const bool has_pin = sqlite3_step(current.get()) == SQLITE_ROW;
  auto text = [&](int column) {
    const auto* t = sqlite3_column_text(current.get(), column);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  };
  const std::string old_hash = has_pin ? text(0) : "", old_duress = has_pin ? text(1) : "";
  // The two PINs must differ, or the duress one could never be told apart.
  if (kind == PinKind::Duress) {
    if (!has_pin) throw GalleryRefusal("'" + name + "' has no PIN yet: set it before the duress PIN");
    if (pin_matches(old_hash, pin)) throw GalleryRefusal("the duress PIN must differ from the PIN of '" + name + "'");
  } else if (!old_duress.empty() && pin_matches(old_duress, pin)) {
    throw GalleryRefusal("the PIN must differ from the duress PIN of '" + name + "'");
  }
  const std::string hash = hash_pin(pin, cost);
  auto write = prepare(kind == PinKind::Usual
                           ? "INSERT INTO pins(user_id, hash, updated_at) VALUES(?1, ?2, ?3) "
                             "ON CONFLICT(user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at"
                           : "UPDATE pins SET duress_hash = ?2, updated_at = ?3 WHERE user_id = ?1");
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  sqlite3_bind_int64(write.get(), 1, id);
  sqlite3_bind_text(write.get(), 2, hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(write.get(), 3, now.c_str(), -1, SQLITE_TRANSIENT);
  step_done(write.get());
  tx.commit();
}

bool Gallery::remove_pin(const std::string& name) {
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto remove = prepare("DELETE FROM pins WHERE user_id = ?1");
  sqlite3_bind_int64(remove.get(), 1, id);
  step_done(remove.get());
  const bool removed = sqlite3_changes(db_) > 0;
  tx.commit();
  return removed;
}

Gallery::PinStatus Gallery::pin_status(const std::string& name) {
  const std::int64_t id = user_id(name);
  auto s = prepare("SELECT duress_hash IS NOT NULL FROM pins WHERE user_id = ?1");
  sqlite3_bind_int64(s.get(), 1, id);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return {};
  return {true, sqlite3_column_int(s.get(), 0) != 0};
}

PinDirectory Gallery::load_pins() {
  auto s = prepare("SELECT user_id, hash, duress_hash FROM pins");
  PinDirectory out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* duress = sqlite3_column_text(s.get(), 2);
    out.add(sqlite3_column_int64(s.get(), 0),
            {reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)),
             duress ? reinterpret_cast<const char*>(duress) : ""});
  }
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

bool Gallery::add_group(const std::string& name, const std::string& group) {
  if (auto problem = group_name_problem(group)) throw GalleryRefusal(*problem);
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto insert = prepare("INSERT OR IGNORE INTO user_groups(user_id, grp) VALUES(?1, ?2)");
  sqlite3_bind_int64(insert.get(), 1, id);
  sqlite3_bind_text(insert.get(), 2, group.c_str(), -1, SQLITE_TRANSIENT);
  step_done(insert.get());
  const bool added = sqlite3_changes(db_) > 0;
  tx.commit();
  return added;
}

bool Gallery::remove_group(const std::string& name, const std::string& group) {
  return remove_of_user(name, "DELETE FROM user_groups WHERE grp = ?1 AND user_id = ?2", group);
}

std::vector<std::string> Gallery::groups_of(const std::string& name) {
  return texts_of_user(name, "SELECT grp FROM user_groups WHERE user_id = ?1 ORDER BY grp");
}

void Gallery::set_mode(const std::string& name, std::optional<VerificationMode> mode) {
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto write = prepare("UPDATE users SET mode = ?1 WHERE id = ?2");
  if (mode) sqlite3_bind_text(write.get(), 1, to_string(*mode), -1, SQLITE_STATIC);
  else sqlite3_bind_null(write.get(), 1);
  sqlite3_bind_int64(write.get(), 2, id);
  step_done(write.get());
  tx.commit();
}

void Gallery::set_validity(const std::string& name, Validity validity) {
  if (validity.from && validity.until && *validity.until <= *validity.from)
    throw GalleryRefusal("the validity of '" + name + "' would end before it begins");
  Transaction tx(db_, file_);
  const std::int64_t id = user_id(name);
  auto write = prepare("UPDATE users SET valid_from = ?1, valid_until = ?2 WHERE id = ?3");
  for (int i : {1, 2}) {
    const auto& t = i == 1 ? validity.from : validity.until;
    if (t) sqlite3_bind_int64(write.get(), i, std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count());
    else sqlite3_bind_null(write.get(), i);
  }
  sqlite3_bind_int64(write.get(), 3, id);
  step_done(write.get());
  tx.commit();
}

std::optional<VerificationMode> Gallery::mode_of(const std::string& name) {
  const auto modes = texts_of_user(name, "SELECT mode FROM users WHERE id = ?1 AND mode IS NOT NULL");
  if (modes.empty()) return std::nullopt;
  auto mode = parse_verification_mode(modes.front());
  if (!mode) throw GalleryError("gallery " + file_.string() + ": user '" + name + "' has an unknown mode '" + modes.front() + "'");
  return mode;
}

std::unordered_map<std::int64_t, VerificationMode> Gallery::load_modes() {
  auto s = prepare("SELECT id, name, mode FROM users WHERE mode IS NOT NULL");
  std::unordered_map<std::int64_t, VerificationMode> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const std::string text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 2));
    auto mode = parse_verification_mode(text);
    // Only this class writes the column, so this is a damaged file: refuse
    // it rather than let a card+pin user through on a face alone.
    if (!mode)
      throw GalleryError("gallery " + file_.string() + ": user '" +
                         reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)) + "' has an unknown mode '" + text + "'");
    out.emplace(sqlite3_column_int64(s.get(), 0), *mode);
  }
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

UserGroups Gallery::load_groups() {
  auto s = prepare("SELECT user_id, grp FROM user_groups ORDER BY user_id, grp");
  UserGroups out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.add(sqlite3_column_int64(s.get(), 0), reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)));
  if (rc != SQLITE_DONE) throw GalleryError("gallery " + file_.string() + ": " + sqlite3_errmsg(db_));
  return out;
}

void Gallery::store_policy(const std::string& document, const std::string& etag) {
  // Checked whole before it is kept: the door never loads a policy it cannot read.
  (void)parse_access_policy(nlohmann::json::parse(document));
  Transaction tx(db_, file_);
  auto put = prepare("INSERT OR REPLACE INTO access_policy(id, document, etag, stored_at) VALUES(1, ?1, ?2, ?3)");
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  sqlite3_bind_text(put.get(), 1, document.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(put.get(), 2, etag.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(put.get(), 3, now.c_str(), -1, SQLITE_TRANSIENT);
  step_done(put.get());
  tx.commit();
}

std::optional<Gallery::StoredPolicy> Gallery::stored_policy() {
  auto s = prepare("SELECT document, etag FROM access_policy WHERE id = 1");
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return StoredPolicy{reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)),
                      reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1))};
}

AccessDirectory Gallery::load_directory() {
  // One read transaction: the faces, cards, PINs, groups and policy of the same moment.
  exec("BEGIN");
  try {
    AccessDirectory d{load_index(), load_cards(), load_pins(), load_groups(), nullptr, {}, load_modes(), {}};
    if (auto stored = stored_policy()) {
      try {
        d.policy = std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(stored->document)));
        d.policy_etag = stored->etag;
      } catch (const std::exception& e) {
        throw GalleryError("gallery " + file_.string() + ": the stored access policy cannot be read: " + e.what());
      }
    }
    exec("COMMIT");
    return d;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace portier
