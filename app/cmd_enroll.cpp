#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "access/gallery.h"
#include "app/command_context.h"
#include "app/progress_bar.h"
#include "models/image_io.h"

namespace portier {
namespace {

struct Rejection {
  std::string image;
  std::string reason;
};

int enroll(const std::string& config_flag, const std::string& name, const std::vector<std::string>& images) {
  if (name.empty() || name.find_first_not_of(" \t") == std::string::npos)
    throw CommandError(kExitBadInput, "--name must not be empty");
  const Config config = prepare(config_flag);
  Gallery gallery(config.gallery_path);
  const EmbeddingIndex enrolled = gallery.load_index();
  FaceModels models = load_face_models(config.models, ImageKind::Stills);

  std::vector<Gallery::Sample> accepted;
  std::vector<Rejection> rejected;
  {
    ProgressBar progress("enrolling " + name, images.size());
    for (const auto& path : images) {
      progress.step(path);
      auto loaded = load_bgr_image(path);
      if (auto* why = std::get_if<std::string>(&loaded)) {
        rejected.push_back({path, *why});
        continue;
      }
      const cv::Mat& image = std::get<cv::Mat>(loaded);
      const auto faces = models.detector->detect(image);
      if (auto problem = enrollment_problem(image, faces, config.enroll)) {
        rejected.push_back({path, *problem});
        continue;
      }
      const auto aligned = models.aligner->align(image, faces.front().rect);
      const auto embedding = models.embedder->embed({aligned.chip}).front();
      // One face must not open the door under two names.
      if (auto other = enrolled.nearest(embedding);
          other && other->name != name && other->distance < config.pipeline.decision.threshold) {
        rejected.push_back({path, fmt::format("face matches enrolled user '{}' (distance {:.3f} < threshold {:.2f})",
                                              other->name, other->distance, config.pipeline.decision.threshold)});
        continue;
      }
      accepted.push_back({embedding, path});
    }
  }
  // A picture of someone else slipped into the set shows as far from all the others.
  if (accepted.size() >= 3) {
    std::vector<Gallery::Sample> consistent;
    for (size_t i = 0; i < accepted.size(); ++i) {
      bool near_another = false;
      for (size_t j = 0; j < accepted.size() && !near_another; ++j)
        near_another = j != i && embedding_distance(accepted[i].embedding, accepted[j].embedding) <
                                     config.pipeline.decision.threshold;
      if (near_another)
        consistent.push_back(accepted[i]);
      else
        rejected.push_back({accepted[i].source, "face does not match the other images given for " + name});
    }
    accepted = std::move(consistent);
  }

  for (const auto& r : rejected) std::fprintf(stderr, "rejected %s: %s\n", r.image.c_str(), r.reason.c_str());
  if (accepted.empty())
    throw CommandError(kExitFailure, fmt::format("no usable image for '{}' ({} rejected): nothing enrolled", name,
                                                 rejected.size()));
  const auto user_id = gallery.enroll(name, accepted);
  std::printf("enrolled %s (user %lld): %zu of %zu images accepted\n", name.c_str(), static_cast<long long>(user_id),
              accepted.size(), images.size());
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
  cmd->callback([&exit_code, config, name, images] {
    exit_code = guarded([&] { return enroll(*config, *name, *images); });
  });
}

}  // namespace portier
