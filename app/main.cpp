#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "app/command_context.h"

namespace {

// "portier users pin set": the deepest subcommand the parser reached.
std::string command_path(const CLI::App& app) {
  std::string path = "portier";
  const CLI::App* at = &app;
  for (;;) {
    const auto parsed = at->get_subcommands();
    if (parsed.empty()) return path;
    at = parsed.back();
    path += " " + at->get_name();
  }
}

// A usage error as one stderr line. An argument the parser did not expect is
// never repeated: it may be a secret typed where it does not belong (a PIN
// after "users pin set" would otherwise reach the terminal's scrollback and
// any log of stderr). Other parse errors name an option and its value, and
// no option of portier takes a secret.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
  const std::string where = command_path(app);
  std::string what;
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    what = "unexpected argument (not repeated here, in case it is a secret)";
    if (where.ends_with(" pin set")) what += "; a PIN is read from the terminal or stdin, never from the command line";
  } else {
    what = e.what();
    for (auto& ch : what)
      if (ch == '\n' || ch == '\r') ch = ' ';
  }
  std::fprintf(stderr, "%s: %s (see '%s --help')\n", where.c_str(), what.c_str(), where.c_str());
  return portier::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"portier: face-recognition door access"};
  app.require_subcommand(1);
  int exit_code = portier::kExitOk;
  portier::add_run_command(app, exit_code);
  portier::add_enroll_command(app, exit_code);
  portier::add_users_command(app, exit_code);
  portier::add_eval_command(app, exit_code);
  portier::add_bench_command(app, exit_code);
  portier::add_doctor_command(app, exit_code);
  portier::add_liveness_command(app, exit_code);
  portier::add_backend_command(app, exit_code);
  portier::add_policy_command(app, exit_code);
  portier::add_console_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --help-all, --version: printed on stdout, exit 0
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  return exit_code;
}
