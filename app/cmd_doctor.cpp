// portier doctor: checks everything an installer can get wrong, prints one
// row per check with a fix for each failure, and exits 1 if anything failed.
#include <cstdio>
#include <memory>

#include "app/command_context.h"
#include "app/doctor_checks.h"

namespace portier {
namespace {

int doctor(const std::string& config_flag) {
  const Config c = prepare(config_flag, ModelCheck::Skip);
  const auto checks = doctor_checks(c);
  using Status = DoctorCheck::Status;

  int failed = 0;
  std::printf("%-14s %-5s %s\n", "CHECK", "", "DETAIL");
  for (const auto& check : checks) {
    std::printf("%-14s %-5s %s\n", check.name.c_str(), mark(check.status), check.detail.c_str());
    if (!check.fix.empty() && check.status != Status::Ok) std::printf("%-14s %-5s fix: %s\n", "", "", check.fix.c_str());
    failed += check.status == Status::Fail;
  }
  std::printf("%d failed, %zu checks\n", failed, checks.size());
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("doctor", "Check models, camera, GPIO, gallery and clock, with a fix for each failure");
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "Config file");
  cmd->callback([&exit_code, config] { exit_code = guarded([&] { return doctor(*config); }); });
}

}  // namespace portier
