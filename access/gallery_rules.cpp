// The gallery's rules of who may enter when: groups, each user's own
// verification mode and validity, and the stored access policy (gallery.h).
#include <chrono>

#include <nlohmann/json.hpp>

#include "access/access_policy.h"
#include "access/gallery.h"
#include "access/gallery_time.h"
#include "access/time_format.h"

namespace portier {

bool Gallery::add_group(const std::string& name, const std::string& group) {
  if (auto problem = group_name_problem(group)) throw GalleryRefusal(*problem);
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  db_.prepare("INSERT OR IGNORE INTO user_groups(user_id, grp) VALUES(?1, ?2)").bind(1, id).bind(2, group).run();
  const bool added = db_.changes() > 0;
  tx.commit();
  return added;
}

bool Gallery::remove_group(const std::string& name, const std::string& group) {
  return remove_of_user(name, "DELETE FROM user_groups WHERE grp = ?1 AND user_id = ?2", group);
}

std::vector<std::string> Gallery::groups_of(const std::string& name) {
  return texts_of_user(name, "SELECT grp FROM user_groups WHERE user_id = ?1 ORDER BY grp");
}

UserGroups Gallery::load_groups() {
  auto s = db_.prepare("SELECT user_id, grp FROM user_groups ORDER BY user_id, grp");
  UserGroups out;
  while (s.next()) out.add(s.int64(0), s.text(1));
  return out;
}

void Gallery::set_mode(const std::string& name, std::optional<VerificationMode> mode) {
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  auto write = db_.prepare("UPDATE users SET mode = ?1 WHERE id = ?2");
  if (mode) write.bind(1, to_string(*mode));
  else write.bind_null(1);
  write.bind(2, id).run();
  tx.commit();
}

std::optional<VerificationMode> Gallery::mode_of(const std::string& name) {
  const auto modes = texts_of_user(name, "SELECT mode FROM users WHERE id = ?1 AND mode IS NOT NULL");
  if (modes.empty()) return std::nullopt;
  return parse_stored_mode(name, modes.front());
}

std::unordered_map<std::int64_t, VerificationMode> Gallery::load_modes() {
  auto s = db_.prepare("SELECT id, name, mode FROM users WHERE mode IS NOT NULL");
  std::unordered_map<std::int64_t, VerificationMode> out;
  while (s.next()) out.emplace(s.int64(0), parse_stored_mode(s.text(1), s.text(2)));
  return out;
}

void Gallery::set_validity(const std::string& name, Validity validity) {
  if (validity.from && validity.until && *validity.until <= *validity.from)
    throw GalleryRefusal("the validity of '" + name + "' would end before it begins");
  SqliteTransaction tx(db_);
  const std::int64_t id = user_id(name);
  auto write = db_.prepare("UPDATE users SET valid_from = ?1, valid_until = ?2 WHERE id = ?3");
  gallery_time::bind(write, 1, validity.from);
  gallery_time::bind(write, 2, validity.until);
  write.bind(3, id).run();
  tx.commit();
}

void Gallery::store_policy(const std::string& document, const std::string& etag) {
  // Checked whole before it is kept: the door never loads a policy it cannot read.
  (void)parse_access_policy(nlohmann::json::parse(document));
  SqliteTransaction tx(db_);
  db_.prepare("INSERT OR REPLACE INTO access_policy(id, document, etag, stored_at) VALUES(1, ?1, ?2, ?3)")
      .bind(1, document)
      .bind(2, etag)
      .bind(3, rfc3339_utc(std::chrono::system_clock::now()))
      .run();
  tx.commit();
}

std::optional<Gallery::StoredPolicy> Gallery::stored_policy() {
  auto s = db_.prepare("SELECT document, etag FROM access_policy WHERE id = 1");
  if (!s.next()) return std::nullopt;
  return StoredPolicy{s.text(0), s.text(1)};
}

}  // namespace portier
