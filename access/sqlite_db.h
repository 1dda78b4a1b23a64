// The one way the project talks to SQLite (gallery, access log, outbox,
// command nonces, console accounts): a connection that names its file in
// every error, statements with typed binds and columns, and a transaction
// that rolls back unless committed.
//
// Why a wrapper: each file had grown its own prepare helper, its own
// transaction class and its own copy of "<file>: <sqlite message>"; a
// failed step was checked in some places and not in others. Here every
// failure throws, so a caller cannot forget one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace portier {

// What went wrong, with the file: "gallery /var/lib/portier/gallery.db: disk I/O error".
struct SqliteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SqliteStatement;
class SqliteTransaction;

class SqliteDb {
 public:
  // Throws the caller's own error type, so that callers keep catching what
  // they caught before (GalleryError, ...). Must not return.
  using Raise = void (*)(const std::string& message);

  struct Options {
    // Names the file in every error: "<what> <file>: ...".
    std::string what = "database";
    // synchronous=FULL: a returned write survives a power cut too.
    bool durable = false;
    Raise raise = nullptr;  // none: SqliteError
  };

  // Creates the file and its folder if need be; WAL mode, so readers never
  // wait for a writer, and a busy timeout, since the service and a command
  // may write at once. Throws (Options::raise) when the file cannot be
  // opened or is no SQLite database ("gallery F is not a portier gallery (not
  // a SQLite database)").
  SqliteDb(const std::filesystem::path& file, Options options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  void exec(const char* sql);
  // Throws when SQLite refuses the SQL.
  SqliteStatement prepare(std::string_view sql);
  // Rows changed by the last write, and the id it gave its row.
  int changes() const;
  std::int64_t last_insert_rowid() const;

  // Throws "<what> <file>: <detail>" in the caller's error type.
  [[noreturn]] void fail(const std::string& detail) const;
  // The same, with SQLite's own message for the last failure.
  [[noreturn]] void fail_sqlite() const;

  const std::filesystem::path& file() const { return file_; }

 private:
  [[noreturn]] void raise(const std::string& message) const;  // in the caller's type, or SqliteError

  std::filesystem::path file_;
  Options options_;
  sqlite3* db_ = nullptr;
};

// A prepared statement of one SqliteDb, which it borrows: the statement
// must not outlive it. Binds take 1-based indexes (?1, ?2 ...), columns
// 0-based, as in SQLite.
class SqliteStatement {
 public:
  SqliteStatement(SqliteDb& db, sqlite3_stmt* statement) : db_(&db), s_(statement) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, std::string_view text);  // copied
  SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  SqliteStatement& bind_blob(int index, const void* data, std::size_t bytes);  // copied
  SqliteStatement& bind_null(int index);
  // NULL when empty.
  template <typename T>
  SqliteStatement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // The next row: true when there is one, false when the statement is done.
  // Throws on any other outcome.
  bool next();
  // Runs a statement that returns no rows; throws unless it completes.
  void run();
  // For running it again with new binds (binds are kept until rebound).
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::optional<double> optional_real(int column) const;
  std::string text(int column) const;  // "" for NULL
  std::optional<std::string> optional_text(int column) const;
  std::string_view blob(int column) const;  // valid until the next step

 private:
  SqliteDb* db_;
  sqlite3_stmt* s_;
};

// BEGIN IMMEDIATE (or BEGIN, for a read of one moment); the destructor rolls
// back unless commit() was reached, so an exception leaves no trace.
class SqliteTransaction {
 public:
  enum class Kind { Write, Read };
  explicit SqliteTransaction(SqliteDb& db, Kind kind = Kind::Write);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace portier
