#include "app/user_changes.h"

#include <cctype>
#include <exception>

#include "access/access_policy.h"
#include "access/card_directory.h"
#include "access/gallery.h"
#include "access/local_clock.h"
#include "access/user_groups.h"
#include "access/validity_days.h"
#include "app/command_context.h"
#include "app/recognition_setup.h"

namespace portier {

namespace {

UserChangeResult refused(std::string why) {
  UserChangeResult r;
  r.error = std::move(why);
  return r;
}

}  // namespace

ConsoleUsers console_users(const Config& config) {
  ConsoleUsers out;
  out.from_backend = config.backend.https.sync_users;
  const LocalClock clock(config.time_zone);
  Gallery gallery(config.gallery_path);
  const auto lookalikes = RecognitionSetup(config).lookalikes_in(gallery.load_index());
  for (const auto& u : gallery.users()) {
    ConsoleUser& c = out.users.emplace_back();
    c.lookalike = lookalikes.about(u.id);
    c.name = u.name;
    c.created_at = u.created_at;
    c.photos = u.embeddings;
    c.synced = !u.external_id.empty();
    for (const auto& card : gallery.cards_of(u.name)) c.cards.push_back(mask_card_number(card));
    c.groups = gallery.groups_of(u.name);
    if (u.mode) c.mode = to_string(*u.mode);
    c.valid = describe_validity(clock, u.validity);
    const auto days = days_of_validity(clock, u.validity);
    c.valid_from = days.from;
    c.valid_until = days.until;
    c.pin = gallery.pin_status(u.name).pin;
  }
  return out;
}

std::optional<std::string> group_note(const Config& config, const std::string& user, const std::string& group) {
  const auto in_force = policy_in_force(config);
  if (!in_force.policy)
    return "no access policy is in force ([access] policy_file, backend.sync_policy), so groups restrict nobody yet";
  if (!in_force.policy->group_profile.count(group))
    return "the access policy of " + in_force.source + " has no group '" + group + "': " + user +
           " is refused until it has one";
  return std::nullopt;
}

std::optional<std::string> mode_note(const Config& config, const std::string& user, VerificationMode mode) {
  const auto door = config.pipeline.access.mode;
  if (mode_for_user(door, mode) != mode)
    return std::string("this door's mode ") + to_string(door) + " asks as much as " + to_string(mode) +
           ", so the door's applies here";
  if (needs_card_reader(mode) && config.reader.type == ReaderType::None)
    return std::string(to_string(mode)) + " needs a card, and this door has no [reader]: " + user + " cannot enter here";
  if (needs_keypad(mode) && !takes_pins(config))
    return std::string(to_string(mode)) + " needs a PIN, and this door has no [keypad]: " + user + " cannot enter here";
  return std::nullopt;
}

UserChangeResult change_user(const Config& config, const std::string& name, const UserChange& change) {
  using Kind = UserChange::Kind;
  UserChangeResult r;
  try {
    Gallery gallery(config.gallery_path);
    switch (change.kind) {
      case Kind::AddCard: {
        // Hex readers may be configured either case; the reader hands over upper case.
        std::string card = change.value;
        for (auto& ch : card) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (auto problem = card_number_problem(card)) return refused(*problem);
        gallery.add_card(name, card);
        r.done = "card " + mask_card_number(card) + " added";
        if (config.reader.type == ReaderType::None) r.note = "this door has no [reader]: the card opens nothing here";
        break;
      }
      case Kind::RemoveCard: {
        // The page never holds a card's number: the card is the one it
        // listed at that place, as long as the list is still what it showed.
        const auto cards = gallery.cards_of(name);
        if (change.index >= cards.size() || mask_card_number(cards[change.index]) != change.value)
          return refused("the cards of '" + name + "' changed since the page was shown: reload it");
        gallery.remove_card(name, cards[change.index]);
        r.done = "card " + change.value + " removed";
        break;
      }
      case Kind::AddGroup:
      case Kind::RemoveGroup: {
        if (auto problem = group_name_problem(change.value)) return refused(*problem);
        if (change.kind == Kind::AddGroup) {
          if (!gallery.add_group(name, change.value)) return refused("'" + name + "' is in group " + change.value + " already");
          r.done = "put in group " + change.value;
          r.note = group_note(config, name, change.value).value_or("");
        } else {
          if (!gallery.remove_group(name, change.value)) return refused("'" + name + "' is not in group " + change.value);
          r.done = "taken out of group " + change.value;
        }
        break;
      }
      case Kind::SetMode: {
        std::optional<VerificationMode> mode;
        if (!change.value.empty()) {
          mode = parse_verification_mode(change.value);
          if (!mode) return refused("unknown mode '" + change.value + "'");
        }
        gallery.set_mode(name, mode);
        r.done = mode ? std::string("own mode ") + to_string(*mode) : "the door's mode";
        if (mode) r.note = mode_note(config, name, *mode).value_or("");
        break;
      }
      case Kind::SetValidity: {
        const LocalClock clock(config.time_zone);
        auto made = validity_from_days(clock, change.from, change.until);
        if (auto* why = std::get_if<std::string>(&made)) return refused(*why);
        gallery.set_validity(name, std::get<Validity>(made));
        r.done = "valid " + describe_validity(clock, std::get<Validity>(made));
        break;
      }
      case Kind::SetPin:
        gallery.set_pin(name, change.value);
        r.done = "PIN set";
        if (!takes_pins(config)) r.note = "this door has no [keypad]: the PIN is asked nowhere here";
        break;
      case Kind::RemovePin:
        if (!gallery.remove_pin(name)) return refused("'" + name + "' has no PIN");
        r.done = "PIN removed";
        break;
    }
  } catch (const std::exception& e) {
    return refused(e.what());
  }
  return r;
}

}  // namespace portier
