// Opening the project's SQLite files (gallery, outbox, command nonces) one
// way: created with their folder if need be, WAL mode so readers never wait
// for a writer, and a busy timeout because the service and a command-line
// tool may write at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include <sqlite3.h>

namespace portier {

using SqliteStatement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// `durable`: synchronous=FULL, so a returned write survives a power cut too.
// The connection, or why there is none ("not a SQLite database", ...).
std::variant<sqlite3*, std::string> open_sqlite(const std::filesystem::path& file, bool durable);

// A prepared statement; empty (and sqlite3_errmsg set) when the SQL is refused.
SqliteStatement prepare_sqlite(sqlite3* db, const char* sql);

}  // namespace portier
