// What every subcommand shares: config resolution, logging set-up, and turning
// errors into one line on stderr and an exit code.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "app/config.h"
#include "backend-client/backend_link.h"

namespace portier {

enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitBadInput = 2 };

// A failure the user must act on; `code` is the process exit code.
struct CommandError : std::runtime_error {
  CommandError(int exit_code, const std::string& what) : std::runtime_error(what), code(exit_code) {}
  int code;
};

// Loads and validates the config named by --config (or the default), then
// applies its logging and BLAS settings.
Config prepare(const std::string& config_flag, ModelCheck check = ModelCheck::Verify);

// The access policy the door applies, and where it comes from: the
// backend's (kept in the gallery, with backend.sync_policy) before
// [access] policy_file's. Null: none, nobody is restricted by time.
struct PolicyInForce {
  std::shared_ptr<const AccessPolicy> policy;
  std::string source;  // "the backend (ETag ...)" or the file's path
};
PolicyInForce policy_in_force(const Config& config);

// For a camera that would not open: how to try the door without one
// (recorded frames). Empty for a source that is already a file or folder.
std::string without_camera_hint(const std::string& source);

// Runs a command body, mapping every exception to "portier: <message>" and
// its exit code (ConfigError: 2).
int guarded(const std::function<int()>& body);

// OpenBLAS spawns one thread per core for every matrix product. The pipeline
// already keeps both cores busy with its stages, so the embedder runs its
// BLAS calls on one thread unless configured otherwise.
void set_blas_threads(int threads);

// The backend link as the config describes it; CommandError (exit 2) naming
// a secret that cannot be read or an outbox that cannot be opened.
// `door_state`: the service's (borrowed), which the link publishes; null: the link keeps its own.
std::unique_ptr<BackendLink> open_backend_link(const Config& config, Relay& relay, EventSink* echo,
                                               DoorState* door_state = nullptr);

void add_run_command(CLI::App& app, int& exit_code);
void add_enroll_command(CLI::App& app, int& exit_code);
void add_users_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_doctor_command(CLI::App& app, int& exit_code);
void add_liveness_command(CLI::App& app, int& exit_code);
void add_backend_command(CLI::App& app, int& exit_code);
void add_policy_command(CLI::App& app, int& exit_code);
void add_console_command(CLI::App& app, int& exit_code);
void add_eval_liveness_command(CLI::App& eval, int& exit_code);
void add_liveness_adapt_command(CLI::App& liveness, int& exit_code);
void add_liveness_capture_command(CLI::App& liveness, int& exit_code);
void add_eval_identify_command(CLI::App& eval, int& exit_code);
void add_eval_rule_command(CLI::App& eval, int& exit_code);
void add_eval_impostors_command(CLI::App& eval, int& exit_code);

}  // namespace portier
