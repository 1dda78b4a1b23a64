// The gallery as a whole: the backend's list of users written in one
// transaction, and everything the door needs read in one (gallery.h).
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "access/access_policy.h"
#include "access/gallery.h"
#include "access/gallery_time.h"
#include "access/time_format.h"

namespace portier {
namespace {

// The statements that write one synced user, prepared once for the list.
struct EntryWriter {
  EntryWriter(SqliteDb& db, const std::string& now, const std::string& source) : db(db), now(now), source(source) {}

  SqliteDb& db;
  const std::string& now;
  const std::string& source;
  SqliteStatement user = db.prepare(
      "INSERT INTO users(name, created_at, external_id, valid_from, valid_until, mode) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  SqliteStatement embedding = db.prepare("INSERT INTO embeddings(user_id, vector, source, created_at) VALUES(?1, ?2, ?3, ?4)");
  SqliteStatement card = db.prepare("INSERT INTO cards(card, user_id, created_at) VALUES(?1, ?2, ?3)");
  SqliteStatement group = db.prepare("INSERT OR IGNORE INTO user_groups(user_id, grp) VALUES(?1, ?2)");
  SqliteStatement pin = db.prepare("INSERT INTO pins(user_id, hash, duress_hash, updated_at) VALUES(?1, ?2, ?3, ?4)");
  std::map<std::string, std::string> card_holder;

  void write(const Gallery::Entry& entry) {
    user.reset();
    user.bind(1, entry.name).bind(2, now).bind(3, entry.external_id);
    gallery_time::bind(user, 4, entry.validity.from);
    gallery_time::bind(user, 5, entry.validity.until);
    if (entry.mode) user.bind(6, to_string(*entry.mode));
    else user.bind_null(6);
    user.run();
    const std::int64_t user_id = db.last_insert_rowid();
    for (const auto& e : entry.embeddings) {
      embedding.reset();
      embedding.bind(1, user_id).bind_blob(2, e.data(), sizeof(float) * kEmbeddingSize).bind(3, source).bind(4, now).run();
    }
    for (const auto& number : entry.cards) write_card(entry.name, user_id, number);
    for (const auto& name : entry.groups) {
      if (auto problem = group_name_problem(name)) throw GalleryError("user '" + entry.name + "': " + *problem);
      group.reset();
      group.bind(1, user_id).bind(2, name).run();
    }
    if (entry.pin) write_pin(entry.name, user_id, *entry.pin);
  }

  void write_card(const std::string& holder, std::int64_t user_id, const std::string& number) {
    if (auto problem = card_number_problem(number)) throw GalleryError("user '" + holder + "': " + *problem);
    if (auto [it, fresh] = card_holder.emplace(number, holder); !fresh)
      throw GalleryError("card " + number + " is given to both '" + it->second + "' and '" + holder + "'");
    card.reset();
    card.bind(1, number).bind(2, user_id).bind(3, now).run();
  }

  void write_pin(const std::string& holder, std::int64_t user_id, const PinRecord& record) {
    if (auto problem = pin_hash_problem(record.hash)) throw GalleryError("user '" + holder + "': " + *problem);
    if (!record.duress_hash.empty())
      if (auto problem = pin_hash_problem(record.duress_hash))
        throw GalleryError("user '" + holder + "', duress PIN: " + *problem);
    pin.reset();
    pin.bind(1, user_id).bind(2, record.hash);
    if (record.duress_hash.empty()) pin.bind_null(3);
    else pin.bind(3, record.duress_hash);
    pin.bind(4, now).run();
  }
};

}  // namespace

size_t Gallery::replace_all(const std::vector<Entry>& entries, const std::string& source) {
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  SqliteTransaction tx(db_);
  for (const char* table : {"embeddings", "cards", "pins", "user_groups", "users"})
    db_.exec(("DELETE FROM " + std::string(table)).c_str());
  EntryWriter writer(db_, now, source);
  for (const auto& entry : entries) writer.write(entry);
  tx.commit();
  return entries.size();
}

AccessDirectory Gallery::load_directory() {
  // One read transaction: the faces, cards, PINs, groups and policy of the same moment.
  SqliteTransaction tx(db_, SqliteTransaction::Kind::Read);
  AccessDirectory d{load_index(), load_cards(), load_pins(), load_groups(), nullptr, {}, load_modes(), {}};
  if (auto stored = stored_policy()) {
    try {
      d.policy = std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(stored->document)));
      d.policy_etag = stored->etag;
    } catch (const std::exception& e) {
      throw GalleryError("gallery " + file_.string() + ": the stored access policy cannot be read: " + e.what());
    }
  }
  tx.commit();
  return d;
}

}  // namespace portier
