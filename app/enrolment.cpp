#include "app/enrolment.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "access/lookalikes.h"
#include "app/recognition_setup.h"

namespace portier {
namespace {

// A set of three or more photos: a picture of someone else slipped in shows
// as far from all the others.
void keep_consistent(EnrolmentCheck& out, float within, const std::string& name) {
  if (out.accepted.size() < 3) return;
  std::vector<Gallery::Sample> consistent;
  for (size_t i = 0; i < out.accepted.size(); ++i) {
    bool near_another = false;
    for (size_t j = 0; j < out.accepted.size() && !near_another; ++j)
      near_another = j != i && embedding_distance(out.accepted[i].embedding, out.accepted[j].embedding) < within;
    if (near_another)
      consistent.push_back(out.accepted[i]);
    else
      out.rejected.push_back({out.accepted[i].source, "face does not match the other images given for " + name});
  }
  out.accepted = std::move(consistent);
}

// Every other enrolled user nearer an accepted photo than `within`.
std::vector<IdentityMatch> lookalikes_of(const EmbeddingIndex& enrolled, const std::vector<Gallery::Sample>& accepted,
                                         const std::string& name, double within) {
  std::map<std::string, IdentityMatch> nearest;
  for (const auto& sample : accepted)
    for (const auto& match : enrolled.nearest_users(sample.embedding, enrolled.users())) {
      if (match.name == name || !(match.distance < within)) continue;
      auto [it, added] = nearest.try_emplace(match.name, match);
      if (!added) it->second.distance = std::min(it->second.distance, match.distance);
    }
  std::vector<IdentityMatch> out;
  for (auto& [who, match] : nearest) out.push_back(std::move(match));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.distance < b.distance; });
  return out;
}

}  // namespace

EnrolmentCheck check_enrolment(const FaceModels& models, const EnrolmentLimits& limits, const EmbeddingIndex& enrolled,
                               const std::string& name, const std::vector<std::string>& sources,
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
    if (auto problem = enrollment_problem(image, faces, limits.rules)) {
      out.rejected.push_back({source, *problem});
      continue;
    }
    const auto aligned = models.aligner->align(image, faces.front().rect);
    const auto embedding = models.embedder->embed({aligned.chip}).front();
    // One person must not open the door under two names. Only plainly the
    // same face is refused: a look-alike is enrolled and reported below.
    if (auto other = enrolled.nearest(embedding);
        !limits.allow_duplicate && other && other->name != name && other->distance < limits.rules.duplicate_distance) {
      out.rejected.push_back(
          {source, fmt::format("face is already enrolled as '{}' (distance {:.3f} < enroll.duplicate_distance {:.2f}): "
                               "the same person twice? (--allow-duplicate enrols it all the same, for twins)",
                               other->name, other->distance, limits.rules.duplicate_distance)});
      continue;
    }
    out.accepted.push_back({embedding, source});
  }
  keep_consistent(out, limits.consistency, name);
  out.lookalikes = lookalikes_of(enrolled, out.accepted, name, limits.lookalike_within);
  return out;
}

EnrolmentLimits enrolment_limits(const Config& config, const EmbeddingIndex& enrolled, size_t photos,
                                 bool allow_duplicate) {
  EnrolmentLimits limits;
  limits.rules = config.enroll;
  limits.consistency = config.pipeline.decision.threshold;
  limits.allow_duplicate = allow_duplicate;
  const auto rule = RecognitionSetup(config).rule_for({enrolled.users() + 1, enrolled.size() + photos});
  limits.lookalike_within = lookalike_distance(rule);
  return limits;
}

std::string describe_lookalikes(const std::vector<IdentityMatch>& lookalikes) {
  std::string out;
  for (const auto& l : lookalikes) out += fmt::format("{}'{}' ({:.3f})", out.empty() ? "" : ", ", l.name, l.distance);
  return out;
}

}  // namespace portier
