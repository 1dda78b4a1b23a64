// The console's administrators: names and slow salted password hashes
// (argon2id, libsodium, as the PINs), in their own SQLite file in the state
// folder. No default account: until one is made with `portier console user
// add`, the console only says how.
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "access/sqlite_db.h"

namespace portier {

struct ConsoleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// 1 to 32 letters, digits, '.', '_' or '-'. Returns the problem, or nothing.
std::optional<std::string> admin_name_problem(const std::string& name);
// At least 10 characters, at most 256. Returns the problem, or nothing.
std::optional<std::string> admin_password_problem(const std::string& password);

// Safe to share between the server's threads (one connection, one lock).
class AdminAccounts {
 public:
  explicit AdminAccounts(const std::filesystem::path& file);  // created if need be; throws ConsoleError
  ~AdminAccounts();
  AdminAccounts(const AdminAccounts&) = delete;
  AdminAccounts& operator=(const AdminAccounts&) = delete;

  // Throws ConsoleError naming the problem (a bad name or password, a name taken).
  void add(const std::string& name, const std::string& password);
  // Replaces the password of an existing account; throws when there is none.
  void set_password(const std::string& name, const std::string& password);
  bool remove(const std::string& name);
  // Whether `password` is `name`'s. An unknown name costs one hash too, so
  // the time taken does not tell which names exist.
  bool check(const std::string& name, const std::string& password);
  // What changes whenever the account's password does, and is gone with the
  // account: a session opened under an older one is no longer good.
  std::optional<std::string> stamp(const std::string& name);
  bool exists(const std::string& name) { return stamp(name).has_value(); }
  std::vector<std::string> names();
  size_t count();

  const std::filesystem::path& file() const { return file_; }

 private:
  // `sql` binds ?1 name, ?2 hash, ?3 now; `unchanged` is the refusal when no row changes.
  void write(const char* sql, const std::string& name, const std::string& password, const std::string& unchanged);
  std::filesystem::path file_;
  SqliteDb db_;  // throws ConsoleError
  std::mutex mutex_;
  std::string decoy_hash_;  // checked against for unknown names
};

}  // namespace portier
