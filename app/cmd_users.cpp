#include <cctype>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "access/access_policy.h"
#include "access/card_directory.h"
#include "access/gallery.h"
#include "access/user_groups.h"
#include "access/validity_days.h"
#include "access/verification_mode.h"
#include "app/command_context.h"
#include "app/recognition_setup.h"
#include "app/secret_input.h"
#include "app/user_changes.h"

namespace portier {

namespace {

void add_users_list(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* list = cmd->add_subcommand("list", "List enrolled users");
  list->fallthrough();
  list->callback([&exit_code, config] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      const auto users = gallery.users();
      std::printf("%-6s %-32s %-10s %s\n", "ID", "NAME", "EMBEDDINGS", "CREATED");
      for (const auto& u : users)
        std::printf("%-6lld %-32s %-10d %s\n", static_cast<long long>(u.id), u.name.c_str(), u.embeddings,
                    u.created_at.c_str());
      std::fprintf(stderr, "%zu users in %s\n", users.size(), c.gallery_path.c_str());
      return kExitOk;
    });
  });
}

void add_users_remove(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* remove = cmd->add_subcommand("remove", "Remove a user and all their embeddings");
  auto name = std::make_shared<std::string>();
  remove->add_option("NAME", *name, "User name")->required();
  remove->fallthrough();
  remove->callback([&exit_code, config, name] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      if (!gallery.remove(*name)) throw CommandError(kExitBadInput, "no user named '" + *name + "' in " + c.gallery_path.string());
      std::printf("removed %s\n", name->c_str());
      return kExitOk;
    });
  });
}

void add_users_show(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* show = cmd->add_subcommand("show", "Show one user: embeddings, cards, whether a PIN is set, groups");
  auto show_name = std::make_shared<std::string>();
  show->add_option("NAME", *show_name, "User name")->required();
  show->fallthrough();
  show->callback([&exit_code, config, show_name] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      for (const auto& u : gallery.users()) {
        if (u.name != *show_name) continue;
        std::printf("name        %s\nid          %lld\ncreated     %s\nembeddings  %d\n", u.name.c_str(),
                    static_cast<long long>(u.id), u.created_at.c_str(), u.embeddings);
        if (!u.external_id.empty()) std::printf("backend id  %s\n", u.external_id.c_str());
        const LocalClock clock(c.time_zone);
        std::printf("valid       %s\n", describe_validity(clock, u.validity).c_str());
        const auto cards = gallery.cards_of(u.name);
        std::string list;
        for (const auto& card : cards) list += (list.empty() ? "" : ", ") + card;
        std::printf("cards       %s\n", cards.empty() ? "none" : list.c_str());
        const auto pin = gallery.pin_status(u.name);
        std::printf("pin         %s\n", !pin.pin ? "none" : pin.duress ? "set, and a duress PIN" : "set");
        const auto groups = gallery.groups_of(u.name);
        list.clear();
        for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
        std::printf("groups      %s\n", groups.empty() ? "none (no schedule restricts them)" : list.c_str());
        const auto door = c.pipeline.access.mode;
        if (const auto own = gallery.mode_of(u.name))
          std::printf("mode        %s (their own; %s)\n", to_string(*own),
                      mode_for_user(door, own) == *own ? fmt::format("stricter than the door's {}: it applies", to_string(door)).c_str()
                                                       : fmt::format("not stricter than the door's {}: the door's applies", to_string(door)).c_str());
        else
          std::printf("mode        the door's (%s)\n", to_string(door));
        const auto alike = RecognitionSetup(c).lookalikes_in(gallery.load_index()).about(u.id);
        std::printf("looks like  %s\n", alike.empty() ? "nobody enrolled (the door's radius)"
                                                       : (alike + (c.lookalike_second_factor
                                                                       ? "; a card or PIN as well (access.lookalike_second_factor)"
                                                                       : "")).c_str());
        if (const auto policy = policy_in_force(c).policy; policy && c.pipeline.access.local_now) {
          const auto why = policy->refusal(groups, c.pipeline.access.local_now());
          std::printf("enters now  %s\n", why ? ("no: " + *why).c_str()
                                              : u.validity.contains(std::chrono::system_clock::now()) ? "yes"
                                                                                                      : "no: outside their validity");
        }
        return kExitOk;
      }
      throw CommandError(kExitBadInput, "no user named '" + *show_name + "' in " + c.gallery_path.string());
    });
  });
}

void add_users_card(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* card = cmd->add_subcommand("card", "Give a user a card, or take it back");
  card->require_subcommand(1);
  card->fallthrough();
  for (const bool adding : {true, false}) {
    auto* sub = card->add_subcommand(adding ? "add" : "remove", adding ? "Give NAME the card CARD (one holder per card)"
                                                                      : "Take the card CARD back from NAME");
    auto user = std::make_shared<std::string>();
    auto number = std::make_shared<std::string>();
    sub->add_option("NAME", *user, "User name")->required();
    sub->add_option("CARD", *number, "Card number as the reader delivers it (decimal, or hex digits)")->required();
    sub->fallthrough();
    sub->callback([&exit_code, config, user, number, adding] {
      exit_code = guarded([&] {
        // Hex readers may be configured either case; the reader hands over upper case.
        std::string value = *number;
        for (auto& ch : value) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (auto problem = card_number_problem(value)) throw CommandError(kExitBadInput, *problem);
        const Config c = prepare(*config, ModelCheck::Skip);
        Gallery gallery(c.gallery_path);
        if (adding) {
          gallery.add_card(*user, value);
          std::printf("card %s now opens for %s\n", value.c_str(), user->c_str());
        } else {
          if (!gallery.remove_card(*user, value))
            throw CommandError(kExitBadInput, "'" + *user + "' does not hold card " + value);
          std::printf("card %s of %s removed\n", value.c_str(), user->c_str());
        }
        return kExitOk;
      });
    });
  }
}

void add_users_group(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* group = cmd->add_subcommand("group", "Put a user in a group, or take them out (schedules: docs/access.md)");
  group->require_subcommand(1);
  group->fallthrough();
  for (const bool adding : {true, false}) {
    auto* sub = group->add_subcommand(adding ? "add" : "remove", adding ? "Put NAME in GROUP" : "Take NAME out of GROUP");
    auto user = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    sub->add_option("NAME", *user, "User name")->required();
    sub->add_option("GROUP", *name, "Group name, as the access policy's \"groups\" names it")->required();
    sub->fallthrough();
    sub->callback([&exit_code, config, user, name, adding] {
      exit_code = guarded([&] {
        if (auto problem = group_name_problem(*name)) throw CommandError(kExitBadInput, *problem);
        const Config c = prepare(*config, ModelCheck::Skip);
        Gallery gallery(c.gallery_path);
        if (adding) {
          if (!gallery.add_group(*user, *name)) throw CommandError(kExitBadInput, "'" + *user + "' is in group " + *name + " already");
          std::printf("%s is now in group %s\n", user->c_str(), name->c_str());
          // A group the policy does not name admits nobody: the installer hears it now.
          if (auto note = group_note(c, *user, *name)) std::fprintf(stderr, "note: %s\n", note->c_str());
        } else {
          if (!gallery.remove_group(*user, *name)) throw CommandError(kExitBadInput, "'" + *user + "' is not in group " + *name);
          std::printf("%s is no longer in group %s\n", user->c_str(), name->c_str());
        }
        return kExitOk;
      });
    });
  }
}

void add_users_mode(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* mode = cmd->add_subcommand("mode", "Give a user a stricter verification mode of their own, or take it away");
  auto mode_user = std::make_shared<std::string>();
  auto mode_name = std::make_shared<std::string>();
  mode->add_option("NAME", *mode_user, "User name")->required();
  mode->add_option("MODE", *mode_name, "face, card, card|face, card+face, face+pin, card+pin; none: the door's")->required();
  mode->fallthrough();
  mode->callback([&exit_code, config, mode_user, mode_name] {
    exit_code = guarded([&] {
      std::optional<VerificationMode> chosen;
      if (*mode_name != "none") {
        chosen = parse_verification_mode(*mode_name);
        if (!chosen)
          throw CommandError(kExitBadInput, "unknown mode '" + *mode_name +
                                                "': face, card, card|face, card+face, face+pin, card+pin, or none");
      }
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      gallery.set_mode(*mode_user, chosen);
      if (!chosen) {
        std::printf("%s now presents what the door's mode asks\n", mode_user->c_str());
        return kExitOk;
      }
      std::printf("%s now presents %s wherever the door asks for less\n", mode_user->c_str(), to_string(*chosen));
      // A mode that asks no more than the door's changes nothing here: say so now.
      if (auto note = mode_note(c, *mode_user, *chosen)) std::fprintf(stderr, "note: %s\n", note->c_str());
      return kExitOk;
    });
  });
}

void add_users_valid(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* valid = cmd->add_subcommand("valid", "Say from which day until which day a user may enter (no flag: always)");
  auto valid_user = std::make_shared<std::string>();
  auto valid_from = std::make_shared<std::string>();
  auto valid_until = std::make_shared<std::string>();
  valid->add_option("NAME", *valid_user, "User name")->required();
  valid->add_option("--from", *valid_from, "First day, YYYY-MM-DD, from its start at the door ([access] time_zone)");
  valid->add_option("--until", *valid_until, "Last day, YYYY-MM-DD, included");
  valid->fallthrough();
  valid->callback([&exit_code, config, valid_user, valid_from, valid_until] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      const LocalClock clock(c.time_zone);
      auto made = validity_from_days(clock, *valid_from, *valid_until);
      if (auto* why = std::get_if<std::string>(&made)) throw CommandError(kExitBadInput, *why);
      Gallery gallery(c.gallery_path);
      gallery.set_validity(*valid_user, std::get<Validity>(made));
      std::printf("%s may enter %s\n", valid_user->c_str(), describe_validity(clock, std::get<Validity>(made)).c_str());
      if (c.backend.https.sync_users)
        std::fprintf(stderr, "note: backend.sync_users is on: the backend's next sync replaces this\n");
      return kExitOk;
    });
  });
}

void add_users_pin(CLI::App* cmd, int& exit_code, const std::shared_ptr<std::string>& config) {
  auto* pin = cmd->add_subcommand("pin", "Set or remove a user's PIN (face+pin, card+pin)");
  pin->require_subcommand(1);
  pin->fallthrough();
  auto* set = pin->add_subcommand("set", "Set NAME's PIN, read from the terminal (asked twice) or one line of stdin");
  auto pin_user = std::make_shared<std::string>();
  auto duress = std::make_shared<bool>(false);
  set->add_option("NAME", *pin_user, "User name")->required();
  set->add_flag("--duress", *duress,
                "Set the duress PIN instead: it opens the door as usual and raises a silent `duress` alert");
  set->fallthrough();
  set->callback([&exit_code, config, pin_user, duress] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      gallery.pin_status(*pin_user);  // no such user: say so before asking for a PIN
      std::string error;
      const auto digits = read_secret(std::string(*duress ? "duress PIN" : "PIN") + " for " + *pin_user, error);
      if (!digits) throw CommandError(kExitBadInput, "no PIN set: " + error);
      if (auto problem = pin_problem(*digits)) throw CommandError(kExitBadInput, *problem);
      gallery.set_pin(*pin_user, *digits, *duress ? Gallery::PinKind::Duress : Gallery::PinKind::Usual);
      std::printf("%s of %s set\n", *duress ? "duress PIN" : "PIN", pin_user->c_str());
      return kExitOk;
    });
  });
  auto* clear = pin->add_subcommand("remove", "Remove NAME's PIN and duress PIN");
  auto clear_user = std::make_shared<std::string>();
  clear->add_option("NAME", *clear_user, "User name")->required();
  clear->fallthrough();
  clear->callback([&exit_code, config, clear_user] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      if (!gallery.remove_pin(*clear_user)) throw CommandError(kExitBadInput, "'" + *clear_user + "' has no PIN");
      std::printf("PIN of %s removed\n", clear_user->c_str());
      return kExitOk;
    });
  });
}
}  // namespace

void add_users_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("users", "List, show or remove enrolled users; give them cards, PINs and groups");
  cmd->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file")->configurable(false);
  add_users_list(cmd, exit_code, config);
  add_users_remove(cmd, exit_code, config);
  add_users_show(cmd, exit_code, config);
  add_users_card(cmd, exit_code, config);
  add_users_group(cmd, exit_code, config);
  add_users_mode(cmd, exit_code, config);
  add_users_valid(cmd, exit_code, config);
  add_users_pin(cmd, exit_code, config);
}

}  // namespace portier
