#include "access/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

namespace portier {

SqliteDb::SqliteDb(const std::filesystem::path& file, Options options) : file_(file), options_(std::move(options)) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    raise(options_.what + " " + file_.string() + " cannot be opened: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec(options_.durable ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;" : "PRAGMA journal_mode = WAL;");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

void SqliteDb::raise(const std::string& message) const {
  if (options_.raise) options_.raise(message);
  throw SqliteError(message);
}

void SqliteDb::fail(const std::string& detail) const { raise(options_.what + " " + file_.string() + ": " + detail); }

void SqliteDb::fail_sqlite() const {
  const std::string why = db_ ? sqlite3_errmsg(db_) : "not open";
  // The first read of a file that is something else fails here.
  if (why.find("not a database") != std::string::npos)
    raise(options_.what + " " + file_.string() + " is not a portier " + options_.what + " (not a SQLite database)");
  fail(why);
}

void SqliteDb::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return;
  sqlite3_free(message);  // the same text as sqlite3_errmsg
  fail_sqlite();
}

SqliteStatement SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK || !raw) {
    sqlite3_finalize(raw);
    fail_sqlite();
  }
  return SqliteStatement(*this, raw);
}

int SqliteDb::changes() const { return sqlite3_changes(db_); }

std::int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

SqliteStatement::~SqliteStatement() { sqlite3_finalize(s_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept : db_(other.db_), s_(std::exchange(other.s_, nullptr)) {}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(s_, index, value) != SQLITE_OK) db_->fail_sqlite();
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
  if (sqlite3_bind_double(s_, index, value) != SQLITE_OK) db_->fail_sqlite();
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  // A null pointer would bind NULL: an empty text stays a text.
  const char* data = text.data() ? text.data() : "";
  if (sqlite3_bind_text(s_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_->fail_sqlite();
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, const void* data, std::size_t bytes) {
  if (sqlite3_bind_blob(s_, index, data, static_cast<int>(bytes), SQLITE_TRANSIENT) != SQLITE_OK) db_->fail_sqlite();
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(s_, index) != SQLITE_OK) db_->fail_sqlite();
  return *this;
}

bool SqliteStatement::next() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail_sqlite();
}

void SqliteStatement::run() {
  if (sqlite3_step(s_) != SQLITE_DONE) db_->fail_sqlite();
}

void SqliteStatement::reset() { sqlite3_reset(s_); }

bool SqliteStatement::is_null(int column) const { return sqlite3_column_type(s_, column) == SQLITE_NULL; }

std::int64_t SqliteStatement::int64(int column) const { return sqlite3_column_int64(s_, column); }

double SqliteStatement::real(int column) const { return sqlite3_column_double(s_, column); }

std::optional<double> SqliteStatement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::string SqliteStatement::text(int column) const {
  const auto* t = sqlite3_column_text(s_, column);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, column))) : "";
}

std::optional<std::string> SqliteStatement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::string_view SqliteStatement::blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(s_, column));
  return data ? std::string_view(data, static_cast<size_t>(sqlite3_column_bytes(s_, column))) : std::string_view();
}

SqliteTransaction::SqliteTransaction(SqliteDb& db, Kind kind) : db_(db) {
  db_.exec(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN");
}

SqliteTransaction::~SqliteTransaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (...) {
    // Nothing to do: SQLite rolls back by itself when a statement failed.
  }
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace portier
