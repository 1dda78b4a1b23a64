// portier eval rule: the acceptance rule decision.max_fpir gives for
// galleries of given sizes, before anybody is enrolled: what an installer
// planning a door for N people, and the docs' table, read.
#include <cstdio>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/command_context.h"
#include "app/recognition_setup.h"

namespace portier {
namespace {

int eval_rule(const std::string& config_flag, const std::vector<size_t>& sizes, bool json) {
  const Config config = prepare(config_flag, ModelCheck::Skip);
  const RecognitionSetup setup(config);
  nlohmann::json rows = nlohmann::json::array();
  std::printf("%10s  %13s  %18s  %23s\n", "embeddings", "accepts below", "strangers taken", "a user's frames refused");
  for (const size_t n : sizes) {
    const auto rule = setup.rule_for(n);
    std::printf("%10zu  %13.3f  %17.2g%%  %22.0f%%\n", n, rule.threshold, 100.0 * rule.expected_fpir,
                100.0 * rule.expected_fnmr);
    rows.push_back({{"embeddings", n},
                    {"threshold", rule.threshold},
                    {"expected_fpir", rule.expected_fpir},
                    {"expected_fnmr", rule.expected_fnmr},
                    {"derived", rule.derived}});
  }
  std::printf("(%s; by the impostor and genuine curves of LFW's development view: docs/recognition.md)\n",
              config.recognition.fixed_threshold ? "a fixed decision.threshold" : "from decision.max_fpir");
  if (json) std::printf("%s\n", rows.dump().c_str());
  return kExitOk;
}

}  // namespace

void add_eval_rule_command(CLI::App& eval, int& exit_code) {
  auto* cmd = eval.add_subcommand("rule", "The acceptance rule for galleries of N embeddings (no images needed)");
  auto config = std::make_shared<std::string>();
  auto sizes = std::make_shared<std::vector<size_t>>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--config", *config, "Config file");
  cmd->add_flag("--json", *json, "End stdout with one JSON array");
  cmd->add_option("N", *sizes, "Enrolled embeddings (each photo of each user is one)")
      ->required()
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  cmd->callback([&exit_code, config, sizes, json] {
    exit_code = guarded([&] { return eval_rule(*config, *sizes, *json); });
  });
}

}  // namespace portier
