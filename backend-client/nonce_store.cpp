#include "backend-client/nonce_store.h"

namespace portier {

NonceStore::NonceStore(const std::filesystem::path& file) : db_(file, {.what = "command nonces", .durable = true}) {
  db_.exec("CREATE TABLE IF NOT EXISTS command_nonces (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);");
}

NonceStore::~NonceStore() = default;

bool NonceStore::first_use(const std::string& nonce, std::int64_t expires, std::int64_t now) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM command_nonces WHERE expires < ?1").bind(1, now).run();
  // A store that cannot write must refuse the command (run() throws), not wave it through.
  db_.prepare("INSERT INTO command_nonces(nonce, expires) VALUES(?1, ?2) ON CONFLICT(nonce) DO NOTHING")
      .bind(1, nonce)
      .bind(2, expires)
      .run();
  return db_.changes() == 1;
}

}  // namespace portier
