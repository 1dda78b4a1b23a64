#include <cstdio>
#include <memory>

#include "access/gallery.h"
#include "app/command_context.h"

namespace portier {

void add_users_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("users", "List or remove enrolled users");
  cmd->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file")->configurable(false);

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

  auto* remove = cmd->add_subcommand("remove", "Remove a user and all their embeddings");
  auto name = std::make_shared<std::string>();
  remove->add_option("NAME", *name, "User name")->required();
  remove->fallthrough();
  remove->callback([&exit_code, config, name] {
    exit_code = guarded([&] {
      const Config c = prepare(*config, ModelCheck::Skip);
      Gallery gallery(c.gallery_path);
      if (!gallery.remove(*name)) throw CommandError(kExitFailure, "no user named '" + *name + "' in " + c.gallery_path.string());
      std::printf("removed %s\n", name->c_str());
      return kExitOk;
    });
  });
}

}  // namespace portier
