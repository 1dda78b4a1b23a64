#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

#include "access/sqlite_db.h"

namespace portier {

// Remembers each command's nonce until its token expires, on disk, so that
// a captured unlock cannot be played again, not even after a restart.
class NonceStore {
 public:
  explicit NonceStore(const std::filesystem::path& file);
  ~NonceStore();
  NonceStore(const NonceStore&) = delete;
  NonceStore& operator=(const NonceStore&) = delete;

  // True the first time a nonce is offered (and it is kept until
  // expires_unix); false for a replay. Forgets expired nonces as it goes.
  bool first_use(const std::string& nonce, std::int64_t expires_unix, std::int64_t now_unix);

 private:
  std::mutex mutex_;
  SqliteDb db_;
};

}  // namespace portier
