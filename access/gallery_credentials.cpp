// The gallery's cards and PINs (gallery.h).
#include <chrono>

#include "access/gallery.h"
#include "access/gallery_time.h"
#include "access/time_format.h"

namespace portier {

void Gallery::add_card(const std::string& name, const std::string& card) {
  if (auto problem = card_number_problem(card)) throw GalleryRefusal(*problem);
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  auto owner = db_.prepare("SELECT u.name FROM cards c JOIN users u ON u.id = c.user_id WHERE c.card = ?1");
  if (owner.bind(1, card).next()) {
    const std::string holder = owner.text(0);
    throw GalleryRefusal(holder == name ? "'" + name + "' already holds card " + card
                                      : "card " + card + " already belongs to '" + holder + "'");
  }
  const std::string now = rfc3339_utc(std::chrono::system_clock::now());
  db_.prepare("INSERT INTO cards(card, user_id, created_at) VALUES(?1, ?2, ?3)").bind(1, card).bind(2, id).bind(3, now).run();
  tx.commit();
}

bool Gallery::remove_card(const std::string& name, const std::string& card) {
  return remove_of_user(name, "DELETE FROM cards WHERE card = ?1 AND user_id = ?2", card);
}

std::vector<std::string> Gallery::cards_of(const std::string& name) {
  return texts_of_user(name, "SELECT card FROM cards WHERE user_id = ?1 ORDER BY card");
}

CardDirectory Gallery::load_cards() {
  auto s = db_.prepare("SELECT c.card, u.id, u.name, u.valid_from, u.valid_until FROM cards c JOIN users u ON u.id = c.user_id");
  CardDirectory out;
  while (s.next())
    out.add(s.text(0), {s.int64(1), s.text(2), Validity{gallery_time::column(s, 3), gallery_time::column(s, 4)}});
  return out;
}

void Gallery::set_pin(const std::string& name, const std::string& pin, PinKind kind, PinHashCost cost) {
  if (auto problem = pin_problem(pin)) throw GalleryRefusal(*problem);
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  auto current = db_.prepare("SELECT hash, duress_hash FROM pins WHERE user_id = ?1");
  const bool has_pin = current.bind(1, id).next();
  const std::string old_hash = has_pin ? current.text(0) : "", old_duress = has_pin ? current.text(1) : "";
  // The two PINs must differ, or the duress one could never be told apart.
  if (kind == PinKind::Duress) {
    if (!has_pin) throw GalleryRefusal("'" + name + "' has no PIN yet: set it before the duress PIN");
    if (pin_matches(old_hash, pin)) throw GalleryRefusal("the duress PIN must differ from the PIN of '" + name + "'");
  } else if (!old_duress.empty() && pin_matches(old_duress, pin)) {
    throw GalleryRefusal("the PIN must differ from the duress PIN of '" + name + "'");
  }
  const std::string hash = hash_pin(pin, cost);
  auto write = db_.prepare(kind == PinKind::Usual
                               ? "INSERT INTO pins(user_id, hash, updated_at) VALUES(?1, ?2, ?3) "
                                 "ON CONFLICT(user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at"
                               : "UPDATE pins SET duress_hash = ?2, updated_at = ?3 WHERE user_id = ?1");
  write.bind(1, id).bind(2, hash).bind(3, rfc3339_utc(std::chrono::system_clock::now())).run();
  tx.commit();
}

bool Gallery::remove_pin(const std::string& name) {
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  db_.prepare("DELETE FROM pins WHERE user_id = ?1").bind(1, id).run();
  const bool removed = db_.changes() > 0;
  tx.commit();
  return removed;
}

Gallery::PinStatus Gallery::pin_status(const std::string& name) {
  const std::int64_t id = user_id(name);
  auto s = db_.prepare("SELECT duress_hash IS NOT NULL FROM pins WHERE user_id = ?1");
  if (!s.bind(1, id).next()) return {};
  return {true, s.int64(0) != 0};
}

PinDirectory Gallery::load_pins() {
  auto s = db_.prepare("SELECT user_id, hash, duress_hash FROM pins");
  PinDirectory out;
  while (s.next()) out.add(s.int64(0), {s.text(1), s.text(2)});
  return out;
}

}  // namespace portier
