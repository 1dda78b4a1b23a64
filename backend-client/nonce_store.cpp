#include "backend-client/nonce_store.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

#include "access/sqlite_file.h"

namespace portier {
NonceStore::NonceStore(const std::filesystem::path& file) : file_(file) {
  auto opened = open_sqlite(file, true);
  if (auto* why = std::get_if<std::string>(&opened))
    throw std::runtime_error("command nonces " + file.string() + " cannot be opened: " + *why);
  db_ = std::get<sqlite3*>(opened);
  const char* setup = "CREATE TABLE IF NOT EXISTS command_nonces (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);";
  if (sqlite3_exec(db_, setup, nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("command nonces " + file.string() + ": " + why);
  }
}

NonceStore::~NonceStore() { sqlite3_close(db_); }

bool NonceStore::first_use(const std::string& nonce, std::int64_t expires, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM command_nonces WHERE expires < ?1", -1, &raw, nullptr);
  SqliteStatement prune(raw, sqlite3_finalize);
  if (prune) {
    sqlite3_bind_int64(prune.get(), 1, now);
    sqlite3_step(prune.get());
  }
  raw = nullptr;
  sqlite3_prepare_v2(db_, "INSERT INTO command_nonces(nonce, expires) VALUES(?1, ?2) ON CONFLICT(nonce) DO NOTHING", -1,
                     &raw, nullptr);
  SqliteStatement insert(raw, sqlite3_finalize);
  if (!insert) throw std::runtime_error("command nonces " + file_.string() + ": " + sqlite3_errmsg(db_));
  sqlite3_bind_text(insert.get(), 1, nonce.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert.get(), 2, expires);
  // A store that cannot write must refuse the command, not wave it through.
  if (sqlite3_step(insert.get()) != SQLITE_DONE)
    throw std::runtime_error("command nonces " + file_.string() + ": " + sqlite3_errmsg(db_));
  return sqlite3_changes(db_) == 1;
}

}  // namespace portier
