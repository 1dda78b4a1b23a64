#include "access/sqlite_file.h"

namespace portier {

std::variant<sqlite3*, std::string> open_sqlite(const std::filesystem::path& file, bool durable) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return why;
  }
  sqlite3_busy_timeout(db, 5000);
  const char* setup = durable ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;" : "PRAGMA journal_mode = WAL;";
  if (sqlite3_exec(db, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(db);
    sqlite3_close(db);
    return why;
  }
  return db;
}

SqliteStatement prepare_sqlite(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  return SqliteStatement(raw, sqlite3_finalize);
}

}  // namespace portier
