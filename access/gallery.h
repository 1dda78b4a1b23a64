#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "access/card_directory.h"
#include "access/embedding_index.h"
#include "access/pin_directory.h"
#include "access/sqlite_db.h"
#include "access/verification_mode.h"

namespace portier {

struct GalleryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// What was asked does not fit what the gallery holds (no such user, a card
// another user holds, a duress PIN equal to the PIN): the caller's input is
// at fault, not the file. Commands exit 2 on it, 1 on any other GalleryError.
struct GalleryRefusal : GalleryError {
  using GalleryError::GalleryError;
};

// Enrolled users and their embeddings in one SQLite file. Every write is one
// transaction: an error or a kill leaves the file as it was before.
// One Gallery per thread (it owns its SQLite connection).
class Gallery {
 public:
  explicit Gallery(const std::filesystem::path& file);  // creates file and schema if needed
  ~Gallery();
  Gallery(const Gallery&) = delete;
  Gallery& operator=(const Gallery&) = delete;

  struct UserSummary {
    std::int64_t id = 0;
    std::string name;
    std::string created_at;
    int embeddings = 0;
    std::string external_id;  // the backend's id for a synced user; empty for a local enrolment
    Validity validity;
    std::optional<VerificationMode> mode;  // the user's own; none: the door's
  };
  struct Sample {
    Embedding embedding;
    std::string source;  // where it came from (image path), for audits
  };

  // Adds the samples to the user called `name`, creating it if new.
  // Returns the user id. All samples land or none.
  std::int64_t enroll(const std::string& name, const std::vector<Sample>& samples);
  std::vector<UserSummary> users();
  // False when no user has that name.
  bool remove(const std::string& name);

  // A user as the backend sends it (user sync).
  struct Entry {
    std::string external_id;
    std::string name;
    std::vector<Embedding> embeddings;
    Validity validity;
    std::vector<std::string> cards;   // as the reader delivers them (card_number_problem)
    std::vector<std::string> groups;  // group_name_problem
    std::optional<PinRecord> pin;     // hashes only (pin_hash_problem)
    std::optional<VerificationMode> mode;  // the user's own; none: the door's
  };
  // Replaces every user, with their cards, PINs and groups, by `entries`, in
  // one transaction: on any error (a card held twice included) the gallery
  // stays exactly as it was. Returns the number of users.
  size_t replace_all(const std::vector<Entry>& entries, const std::string& source);

  // Cards (access/card_directory.h). A card belongs to one user: adding one
  // that another user holds throws, naming the holder. Throws when no user
  // has that name.
  void add_card(const std::string& name, const std::string& card);
  bool remove_card(const std::string& name, const std::string& card);  // false: that user did not hold it
  std::vector<std::string> cards_of(const std::string& name);
  CardDirectory load_cards();

  // PINs (access/pin_directory.h), hashed here: the digits are never stored.
  // The duress PIN needs a usual PIN and must differ from it. Throws naming
  // the problem (a bad PIN, no such user).
  enum class PinKind { Usual, Duress };
  void set_pin(const std::string& name, const std::string& pin, PinKind kind = PinKind::Usual,
               PinHashCost cost = door_pin_cost());
  bool remove_pin(const std::string& name);  // both PINs; false: the user had none
  struct PinStatus {
    bool pin = false;
    bool duress = false;
  };
  PinStatus pin_status(const std::string& name);
  PinDirectory load_pins();

  // Groups (access/access_policy.h says when each group may enter). Adding
  // a group the user is in already, or removing one they are not in, is a
  // no-op that returns false. Throws naming a bad group name or no such user.
  bool add_group(const std::string& name, const std::string& group);
  bool remove_group(const std::string& name, const std::string& group);
  std::vector<std::string> groups_of(const std::string& name);
  UserGroups load_groups();

  // A user's own verification mode (verification_mode.h: it applies where
  // it is stricter than the door's); none: the door's. Throws when no user
  // has that name.
  void set_mode(const std::string& name, std::optional<VerificationMode> mode);
  std::optional<VerificationMode> mode_of(const std::string& name);
  std::unordered_map<std::int64_t, VerificationMode> load_modes();

  // When a user may enter (outside it their face and cards are unknown).
  // Throws when no user has that name, or when the window closes before it opens.
  void set_validity(const std::string& name, Validity validity);

  EmbeddingIndex load_index();
  // The access policy from the backend (backend.sync_policy), kept whole with
  // its ETag; it takes the place of [access] policy_file. Storing parses it
  // first: a bad document throws PolicyError (or JSON's error) and changes nothing.
  struct StoredPolicy {
    std::string document;
    std::string etag;
  };
  void store_policy(const std::string& document, const std::string& etag);
  std::optional<StoredPolicy> stored_policy();

  AccessDirectory load_directory();  // faces, cards, PINs and groups, one consistent read
  // True when another connection (an enrolment while the service runs) has
  // written since the last load_index().
  bool changed_since_load();

  const std::filesystem::path& file() const { return file_; }

  // The implementation is split by what it stores: gallery.cpp (the file,
  // users and their faces), gallery_credentials.cpp (cards, PINs),
  // gallery_rules.cpp (groups, modes, validity, the stored policy) and
  // gallery_sync.cpp (the backend's whole list, one consistent read).

 private:
  void migrate();
  // A mode column this class wrote; throws GalleryError on anything else.
  VerificationMode parse_stored_mode(const std::string& user, const std::string& text) const;
  std::int64_t user_id(const std::string& name);  // throws GalleryError naming the user
  std::int64_t data_version();
  // `delete_sql` binds ?1 = value, ?2 = the user's id; in one transaction. Whether a row went.
  bool remove_of_user(const std::string& name, const char* delete_sql, const std::string& value);
  // `select_sql` binds ?1 = the user's id and selects one text column.
  std::vector<std::string> texts_of_user(const std::string& name, const char* select_sql);

  std::filesystem::path file_;
  SqliteDb db_;  // throws GalleryError
  std::int64_t loaded_version_ = -1;
};

}  // namespace portier
