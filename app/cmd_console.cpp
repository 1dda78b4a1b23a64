// portier console user add|password|remove|list: the web console's admin
// accounts (docs/console.md). Passwords come from the terminal or stdin, never argv.
#include <cstdio>
#include <memory>

#include "app/command_context.h"
#include "app/secret_input.h"
#include "console/admin_accounts.h"

namespace portier {

namespace {

std::filesystem::path accounts_file(const Config& c) { return c.state_dir() / "console.db"; }

std::string read_password(const std::string& name) {
  std::string error;
  const auto password = read_secret("console password for " + name, error);
  if (!password) throw CommandError(kExitBadInput, "no password set: " + error);
  if (auto problem = admin_password_problem(*password)) throw CommandError(kExitBadInput, *problem);
  return *password;
}

}  // namespace

void add_console_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("console", "The web console's admin accounts (docs/console.md)");
  cmd->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file")->configurable(false);
  auto* user = cmd->add_subcommand("user", "Add, remove or list console admins");
  user->require_subcommand(1);
  user->fallthrough();

  for (const bool adding : {true, false}) {
    auto* sub = user->add_subcommand(adding ? "add" : "password",
                                     adding ? "Make admin NAME; the password is read from the terminal (asked twice) or stdin"
                                            : "Change NAME's password (their sessions end)");
    auto name = std::make_shared<std::string>();
    sub->add_option("NAME", *name, "Admin name")->required();
    sub->fallthrough();
    sub->callback([&exit_code, config, name, adding] {
      exit_code = guarded([&] {
        if (auto problem = admin_name_problem(*name)) throw CommandError(kExitBadInput, *problem);
        const Config c = prepare(*config, ModelCheck::Skip);
        AdminAccounts accounts(accounts_file(c));
        // Before the password is asked for, not after.
        if (adding && accounts.exists(*name))
          throw CommandError(kExitBadInput, "an admin named '" + *name + "' exists already");
        if (!adding && !accounts.exists(*name)) throw CommandError(kExitBadInput, "no console admin named '" + *name + "'");
        const std::string password = read_password(*name);
        if (adding) accounts.add(*name, password);
        else accounts.set_password(*name, password);
        std::printf("%s %s\n", adding ? "console admin added:" : "password changed for", name->c_str());
        if (adding && !c.console.enabled)
          std::fprintf(stderr, "note: the console is off: set [console] enabled = true and restart the service\n");
        return kExitOk;
      });
    });
  }

  auto* remove = user->add_subcommand("remove", "Remove admin NAME");
  auto remove_name = std::make_shared<std::string>();
  remove->add_option("NAME", *remove_name, "Admin name")->required();
  remove->fallthrough();
  remove->callback([&exit_code, config, remove_name] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      AdminAccounts accounts(accounts_file(c));
      if (!accounts.remove(*remove_name)) throw CommandError(kExitBadInput, "no console admin named '" + *remove_name + "'");
      std::printf("console admin removed: %s\n", remove_name->c_str());
      return kExitOk;
    });
  });

  auto* list = user->add_subcommand("list", "List console admins");
  list->fallthrough();
  list->callback([&exit_code, config] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      AdminAccounts accounts(accounts_file(c));
      const auto names = accounts.names();
      for (const auto& n : names) std::printf("%s\n", n.c_str());
      std::fprintf(stderr, "%zu console admins in %s\n", names.size(), accounts.file().c_str());
      return kExitOk;
    });
  });
}

}  // namespace portier
