#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "access/gallery.h"
#include "app/command_context.h"
#include "app/enrolment.h"
#include "app/progress_bar.h"
#include "models/image_io.h"

namespace portier {
namespace {

int enroll(const std::string& config_flag, const std::string& name, const std::vector<std::string>& images,
           bool allow_duplicate) {
  if (name.empty() || name.find_first_not_of(" \t") == std::string::npos)
    throw CommandError(kExitBadInput, "--name must not be empty");
  const Config config = prepare(config_flag);
  Gallery gallery(config.gallery_path);
  const EmbeddingIndex enrolled = gallery.load_index();
  FaceModels models = load_face_models(config.models, ImageKind::Stills);

  EnrolmentCheck check;
  {
    ProgressBar progress("enrolling " + name, images.size());
    check = check_enrolment(models, enrolment_limits(config, enrolled, images.size(), allow_duplicate), enrolled, name,
                            images, [&](size_t i) {
                              progress.step(images[i]);
                              return load_bgr_image(images[i]);
                            });
  }
  const auto& accepted = check.accepted;
  const auto& rejected = check.rejected;

  for (const auto& r : rejected) std::fprintf(stderr, "rejected %s: %s\n", r.source.c_str(), r.reason.c_str());
  if (accepted.empty())
    throw CommandError(kExitFailure, fmt::format("no usable image for '{}' ({} rejected): nothing enrolled", name,
                                                 rejected.size()));
  const auto user_id = gallery.enroll(name, accepted);
  std::printf("enrolled %s (user %lld): %zu of %zu images accepted\n", name.c_str(), static_cast<long long>(user_id),
              accepted.size(), images.size());
  // A look-alike is enrolled, never refused: the installer learns of it here.
  if (!check.lookalikes.empty())
    std::printf("look-alikes of %s: %s; the door accepts each of them only nearer than their own narrower radius%s "
                "(docs/recognition.md, \"Look-alikes\")\n",
                name.c_str(), describe_lookalikes(check.lookalikes).c_str(),
                config.lookalike_second_factor ? ", with a card or PIN as well (access.lookalike_second_factor)" : "");
  return kExitOk;
}

}  // namespace

void add_enroll_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("enroll", "Enrol a user from one or more face photos");
  auto config = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto images = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--config", *config, "Config file");
  cmd->add_option("--name", *name, "User name")->required();
  cmd->add_option("IMAGE", *images, "Face photos: one person each, frontal, sharp")->required();
  auto allow_duplicate = std::make_shared<bool>(false);
  cmd->add_flag("--allow-duplicate", *allow_duplicate,
                "Enrol even photos whose face is plainly an enrolled user's (nearer than enroll.duplicate_distance): "
                "identical twins");
  cmd->callback([&exit_code, config, name, images, allow_duplicate] {
    exit_code = guarded([&] { return enroll(*config, *name, *images, *allow_duplicate); });
  });
}

}  // namespace portier
