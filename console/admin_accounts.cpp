#include "console/admin_accounts.h"

#include <sqlite3.h>

#include <chrono>

#include "access/pin_directory.h"
#include "access/sqlite_file.h"
#include "access/time_format.h"

namespace portier {

namespace {

// A login is rare and not while a visitor waits, so it may cost more than a
// PIN: 3 passes over 64 MiB (~120 ms here, a few times that on a Pi).
PinHashCost login_cost() { return {3, 64u << 20}; }

}  // namespace

std::optional<std::string> admin_name_problem(const std::string& name) {
  if (name.empty() || name.size() > 32 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos)
    return "an admin name is 1 to 32 letters, digits, '.', '_' or '-', got \"" + name.substr(0, 40) + "\"";
  return std::nullopt;
}

std::optional<std::string> admin_password_problem(const std::string& password) {
  if (password.size() < 10) return std::string("a console password needs at least 10 characters");
  if (password.size() > 256) return std::string("a console password has at most 256 characters");
  return std::nullopt;
}

AdminAccounts::AdminAccounts(const std::filesystem::path& file) : file_(file) {
  auto opened = open_sqlite(file, true);
  if (auto* why = std::get_if<std::string>(&opened))
    throw ConsoleError("console accounts " + file.string() + " cannot be opened: " + *why);
  db_ = std::get<sqlite3*>(opened);
  char* message = nullptr;
  if (sqlite3_exec(db_,
                   "CREATE TABLE IF NOT EXISTS admins (name TEXT PRIMARY KEY, hash TEXT NOT NULL, "
                   "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
                   nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    sqlite3_close(db_);
    throw ConsoleError("console accounts " + file.string() + ": " + why);
  }
}

AdminAccounts::~AdminAccounts() { sqlite3_close(db_); }

void AdminAccounts::write(const char* sql, const std::string& name, const std::string& password) {
  if (auto problem = admin_name_problem(name)) throw ConsoleError(*problem);
  if (auto problem = admin_password_problem(password)) throw ConsoleError(*problem);
  const std::string hash = hash_pin(password, login_cost());
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  std::lock_guard lock(mutex_);
  auto s = prepare_sqlite(db_, sql);
  if (!s) throw ConsoleError("console accounts " + file_.string() + ": " + sqlite3_errmsg(db_));
  sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 3, now.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_CONSTRAINT) throw ConsoleError("an admin named '" + name + "' exists already");
  if (rc != SQLITE_DONE) throw ConsoleError("console accounts " + file_.string() + ": " + sqlite3_errmsg(db_));
  if (sqlite3_changes(db_) == 0) throw ConsoleError("no admin named '" + name + "'");
}

void AdminAccounts::add(const std::string& name, const std::string& password) {
  write("INSERT INTO admins(name, hash, created_at, updated_at) VALUES(?1, ?2, ?3, ?3)", name, password);
}

void AdminAccounts::set_password(const std::string& name, const std::string& password) {
  write("UPDATE admins SET hash = ?2, updated_at = ?3 WHERE name = ?1", name, password);
}

bool AdminAccounts::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto s = prepare_sqlite(db_, "DELETE FROM admins WHERE name = ?1");
  sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_DONE) throw ConsoleError("console accounts " + file_.string() + ": " + sqlite3_errmsg(db_));
  return sqlite3_changes(db_) > 0;
}

bool AdminAccounts::check(const std::string& name, const std::string& password) {
  std::string hash;
  {
    std::lock_guard lock(mutex_);
    auto s = prepare_sqlite(db_, "SELECT hash FROM admins WHERE name = ?1");
    sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) == SQLITE_ROW) hash = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    if (hash.empty() && decoy_hash_.empty()) decoy_hash_ = hash_pin("not a password of anyone", login_cost());
  }
  if (hash.empty()) {
    (void)pin_matches(decoy_hash_, password);
    return false;
  }
  return pin_matches(hash, password);
}

std::optional<std::string> AdminAccounts::stamp(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto s = prepare_sqlite(db_, "SELECT hash FROM admins WHERE name = ?1");
  sqlite3_bind_text(s.get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
}

std::vector<std::string> AdminAccounts::names() {
  std::lock_guard lock(mutex_);
  auto s = prepare_sqlite(db_, "SELECT name FROM admins ORDER BY name");
  std::vector<std::string> out;
  while (sqlite3_step(s.get()) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
  return out;
}

size_t AdminAccounts::count() { return names().size(); }

}  // namespace portier
