#include <CLI/CLI.hpp>

#include "app/command_context.h"

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
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : portier::kExitBadInput;
  }
  return exit_code;
}
