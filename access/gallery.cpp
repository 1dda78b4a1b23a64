// The gallery file, its users and their faces. gallery.h says where the
// rest of the implementation lives.
#include "access/gallery.h"

#include <chrono>
#include <cstring>
#include <set>

#include "access/gallery_time.h"
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

void raise_gallery_error(const std::string& message) { throw GalleryError(message); }

}  // namespace

Gallery::Gallery(const std::filesystem::path& file)
    : file_(file), db_(file, {.what = "gallery", .durable = false, .raise = &raise_gallery_error}) {
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec(kSchema);
  migrate();
}

Gallery::~Gallery() = default;

void Gallery::migrate() {
  std::set<std::string> columns;
  auto s = db_.prepare("PRAGMA table_info(users)");
  while (s.next()) columns.insert(s.text(1));
  for (const auto& [column, sql] : kAddedColumns)
    if (!columns.count(column)) db_.exec(sql);
}

std::int64_t Gallery::enroll(const std::string& name, const std::vector<Sample>& samples) {
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  SqliteTransaction tx(db_);
  db_.prepare("INSERT INTO users(name, created_at) VALUES(?1, ?2) ON CONFLICT(name) DO NOTHING").bind(1, name).bind(2, now).run();
  auto find = db_.prepare("SELECT id FROM users WHERE name = ?1");
  if (!find.bind(1, name).next()) db_.fail("user vanished");
  const std::int64_t user_id = find.int64(0);

  auto insert = db_.prepare("INSERT INTO embeddings(user_id, vector, source, created_at) VALUES(?1, ?2, ?3, ?4)");
  for (const auto& sample : samples) {
    insert.reset();
    // float32, native byte order: little-endian on both x86-64 and arm64.
    insert.bind(1, user_id).bind_blob(2, sample.embedding.data(), sizeof(float) * kEmbeddingSize);
    insert.bind(3, sample.source).bind(4, now).run();
  }
  tx.commit();
  return user_id;
}

std::vector<Gallery::UserSummary> Gallery::users() {
  // One query for the whole list: a page of users costs one read.
  auto s = db_.prepare(
      "SELECT u.id, u.name, u.created_at, (SELECT COUNT(*) FROM embeddings e WHERE e.user_id = u.id), "
      "COALESCE(u.external_id, ''), u.valid_from, u.valid_until, u.mode FROM users u ORDER BY u.name");
  std::vector<UserSummary> out;
  while (s.next()) {
    UserSummary& u = out.emplace_back();
    u.id = s.int64(0);
    u.name = s.text(1);
    u.created_at = s.text(2);
    u.embeddings = static_cast<int>(s.int64(3));
    u.external_id = s.text(4);
    u.validity = Validity{gallery_time::column(s, 5), gallery_time::column(s, 6)};
    if (!s.is_null(7)) u.mode = parse_stored_mode(u.name, s.text(7));
  }
  return out;
}

VerificationMode Gallery::parse_stored_mode(const std::string& user, const std::string& text) const {
  // Only this class writes the column, so this is a damaged file: refuse
  // it rather than let a card+pin user through on a face alone.
  auto mode = parse_verification_mode(text);
  if (!mode) db_.fail("user '" + user + "' has an unknown mode '" + text + "'");
  return *mode;
}

bool Gallery::remove(const std::string& name) {
  SqliteTransaction tx(db_);
  db_.prepare("DELETE FROM users WHERE name = ?1").bind(1, name).run();
  const bool removed = db_.changes() > 0;
  tx.commit();
  return removed;
}

EmbeddingIndex Gallery::load_index() {
  loaded_version_ = data_version();
  auto s = db_.prepare(
      "SELECT u.id, u.name, e.vector, u.valid_from, u.valid_until FROM embeddings e "
      "JOIN users u ON u.id = e.user_id ORDER BY e.id");
  EmbeddingIndex index;
  while (s.next()) {
    Embedding e;
    const std::string_view vector = s.blob(2);
    if (vector.size() != sizeof(e)) throw GalleryError("gallery " + file_.string() + " holds an embedding of the wrong size");
    std::memcpy(e.data(), vector.data(), sizeof(e));
    index.add(s.int64(0), s.text(1), e, Validity{gallery_time::column(s, 3), gallery_time::column(s, 4)});
  }
  return index;
}

std::int64_t Gallery::data_version() {
  auto s = db_.prepare("PRAGMA data_version");
  if (!s.next()) db_.fail("no data version");
  return s.int64(0);
}

bool Gallery::changed_since_load() { return data_version() != loaded_version_; }

std::int64_t Gallery::user_id(const std::string& name) {
  auto find = db_.prepare("SELECT id FROM users WHERE name = ?1");
  if (!find.bind(1, name).next()) throw GalleryRefusal("no enrolled user is called '" + name + "'");
  return find.int64(0);
}

bool Gallery::remove_of_user(const std::string& name, const char* delete_sql, const std::string& value) {
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  db_.prepare(delete_sql).bind(1, value).bind(2, id).run();
  const bool removed = db_.changes() > 0;
  tx.commit();
  return removed;
}

std::vector<std::string> Gallery::texts_of_user(const std::string& name, const char* select_sql) {
  const std::int64_t id = user_id(name);
  auto s = db_.prepare(select_sql);
  s.bind(1, id);
  std::vector<std::string> out;
  while (s.next()) out.push_back(s.text(0));
  return out;
}

}  // namespace portier
