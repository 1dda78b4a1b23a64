#include "console/admin_accounts.h"

#include <chrono>

#include "access/pin_directory.h"
#include "access/time_format.h"

namespace portier {

namespace {

// A login is rare and not while a visitor waits, so it may cost more than a
// PIN: 3 passes over 64 MiB (~120 ms here, a few times that on a Pi).
PinHashCost login_cost() { return {3, 64u << 20}; }

void raise_console_error(const std::string& message) { throw ConsoleError(message); }

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

AdminAccounts::AdminAccounts(const std::filesystem::path& file)
    : file_(file), db_(file, {.what = "console accounts", .durable = true, .raise = &raise_console_error}) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS admins (name TEXT PRIMARY KEY, hash TEXT NOT NULL, "
      "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
}

AdminAccounts::~AdminAccounts() = default;

void AdminAccounts::write(const char* sql, const std::string& name, const std::string& password,
                          const std::string& unchanged) {
  if (auto problem = admin_name_problem(name)) throw ConsoleError(*problem);
  if (auto problem = admin_password_problem(password)) throw ConsoleError(*problem);
  const std::string hash = hash_pin(password, login_cost());
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  std::lock_guard lock(mutex_);
  db_.prepare(sql).bind(1, name).bind(2, hash).bind(3, now).run();
  if (db_.changes() == 0) throw ConsoleError(unchanged);
}

void AdminAccounts::add(const std::string& name, const std::string& password) {
  write("INSERT INTO admins(name, hash, created_at, updated_at) VALUES(?1, ?2, ?3, ?3) ON CONFLICT(name) DO NOTHING",
        name, password, "an admin named '" + name + "' exists already");
}

void AdminAccounts::set_password(const std::string& name, const std::string& password) {
  write("UPDATE admins SET hash = ?2, updated_at = ?3 WHERE name = ?1", name, password, "no admin named '" + name + "'");
}

bool AdminAccounts::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM admins WHERE name = ?1").bind(1, name).run();
  return db_.changes() > 0;
}

bool AdminAccounts::check(const std::string& name, const std::string& password) {
  std::string hash = stamp(name).value_or("");
  if (hash.empty()) {
    {
      std::lock_guard lock(mutex_);
      if (decoy_hash_.empty()) decoy_hash_ = hash_pin("not a password of anyone", login_cost());
    }
    (void)pin_matches(decoy_hash_, password);
    return false;
  }
  return pin_matches(hash, password);
}

std::optional<std::string> AdminAccounts::stamp(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT hash FROM admins WHERE name = ?1");
  if (!s.bind(1, name).next()) return std::nullopt;
  return s.text(0);
}

std::vector<std::string> AdminAccounts::names() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT name FROM admins ORDER BY name");
  std::vector<std::string> out;
  while (s.next()) out.push_back(s.text(0));
  return out;
}

size_t AdminAccounts::count() { return names().size(); }

}  // namespace portier
