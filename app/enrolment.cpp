#include "app/enrolment.h"

#include <fmt/format.h>

namespace portier {

EnrolmentCheck check_enrolment(const FaceModels& models, const EnrollmentRules& rules, float threshold,
                               const EmbeddingIndex& enrolled, const std::string& name,
                               const std::vector<std::string>& sources,
                               const std::function<std::variant<cv::Mat, std::string>(size_t)>& load) {
  EnrolmentCheck out;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string& source = sources[i];
    auto loaded = load(i);
    if (auto* why = std::get_if<std::string>(&loaded)) {
      out.rejected.push_back({source, *why});
      continue;
    }
    const cv::Mat& image = std::get<cv::Mat>(loaded);
    const auto faces = models.detector->detect(image);
    if (auto problem = enrollment_problem(image, faces, rules)) {
      out.rejected.push_back({source, *problem});
      continue;
    }
    const auto aligned = models.aligner->align(image, faces.front().rect);
    const auto embedding = models.embedder->embed({aligned.chip}).front();
    // One face must not open the door under two names.
    if (auto other = enrolled.nearest(embedding); other && other->name != name && other->distance < threshold) {
      out.rejected.push_back({source, fmt::format("face matches enrolled user '{}' (distance {:.3f} < threshold {:.2f})",
                                                  other->name, other->distance, threshold)});
      continue;
    }
    out.accepted.push_back({embedding, source});
  }
  // A picture of someone else slipped into the set shows as far from all the others.
  if (out.accepted.size() >= 3) {
    std::vector<Gallery::Sample> consistent;
    for (size_t i = 0; i < out.accepted.size(); ++i) {
      bool near_another = false;
      for (size_t j = 0; j < out.accepted.size() && !near_another; ++j)
        near_another = j != i && embedding_distance(out.accepted[i].embedding, out.accepted[j].embedding) < threshold;
      if (near_another)
        consistent.push_back(out.accepted[i]);
      else
        out.rejected.push_back({out.accepted[i].source, "face does not match the other images given for " + name});
    }
    out.accepted = std::move(consistent);
  }
  return out;
}

}  // namespace portier
