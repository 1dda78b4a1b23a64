// portier eval rule: the acceptance rule decision.max_fpir gives for
// galleries of given numbers of users, before anybody is enrolled: what an installer
// planning a door for N people, and the docs' table, read.
#include <cstdio>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/command_context.h"
#include "app/recognition_setup.h"

namespace portier {
namespace {

int eval_rule(const std::string& config_flag, const std::vector<size_t>& sizes, size_t photos, bool json,
              const std::string& curves) {
  Config config = prepare(config_flag, ModelCheck::Skip);
  // Another population's curves (`portier eval impostors --out`), to compare
  // what each gives: not pinned, as the shipped file is.
  if (!curves.empty()) {
    config.recognition.curves = curves;
    config.recognition.curves_sha256.clear();
  }
  const RecognitionSetup setup(config);
  nlohmann::json rows = nlohmann::json::array();
  std::printf("%6s  %10s  %13s  %12s  %16s  %23s\n", "users", "embeddings", "distance below", "score below",
              "strangers taken", "a user's frames refused");
  for (const size_t n : sizes) {
    const GallerySize gallery{n, n * photos};
    const auto rule = setup.rule_for(gallery);
    const std::string score = rule.score_threshold ? fmt::format("{:.3f}", *rule.score_threshold) : "-";
    std::printf("%6zu  %10zu  %14.3f  %12s  %15.2g%%  %22.0f%%\n", gallery.users, gallery.embeddings, rule.threshold,
                score.c_str(), 100.0 * rule.expected_fpir, 100.0 * rule.expected_fnmr);
    nlohmann::json row{{"users", gallery.users},
                       {"embeddings", gallery.embeddings},
                       {"threshold", rule.threshold},
                       {"score_threshold", nullptr},
                       {"expected_fpir", rule.expected_fpir},
                       {"expected_fnmr", rule.expected_fnmr},
                       {"derived", rule.derived}};
    if (rule.score_threshold) row["score_threshold"] = *rule.score_threshold;
    rows.push_back(row);
  }
  std::printf("(%s; score = nearest - (runner-up - nearest), weighed from %zu users on; by the impostor and "
              "genuine curves of %s: docs/recognition.md)\n",
              config.recognition.fixed_threshold ? "a fixed decision.threshold" : "from decision.max_fpir",
              kMinUsersForScore, curves.empty() ? "LFW's development view" : curves.c_str());
  if (json) std::printf("%s\n", rows.dump().c_str());
  return kExitOk;
}

}  // namespace

void add_eval_rule_command(CLI::App& eval, int& exit_code) {
  auto* cmd = eval.add_subcommand("rule", "The acceptance rule for galleries of N users (no images needed)");
  auto config = std::make_shared<std::string>();
  auto sizes = std::make_shared<std::vector<size_t>>();
  auto json = std::make_shared<bool>(false);
  auto photos = std::make_shared<size_t>(1);
  cmd->add_option("--config", *config, "Config file");
  cmd->add_option("--photos", *photos, "Photos (embeddings) per user")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000}));
  cmd->add_flag("--json", *json, "End stdout with one JSON array");
  auto curves = std::make_shared<std::string>();
  cmd->add_option("--curves", *curves, "Impostor and genuine curves of another population (eval impostors --out) instead of the shipped LFW ones");
  cmd->add_option("N", *sizes, "Enrolled users")
      ->required()
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  cmd->callback([&exit_code, config, sizes, photos, json, curves] {
    exit_code = guarded([&] { return eval_rule(*config, *sizes, *photos, *json, *curves); });
  });
}

}  // namespace portier
