// Which photos of one person may be enrolled, by the same rules wherever
// they come from (`portier enroll`, the console's upload, the console's
// camera): exactly one face, big, whole and sharp; not plainly the face of
// another enrolled user (enroll.duplicate_distance); and, given three or
// more, like the others given. A different person who merely looks like an
// enrolled user is enrolled, and the look-alikes are reported: the door
// narrows both users' radius (access/lookalikes.h).
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "access/gallery.h"
#include "app/config.h"
#include "models/enrollment_check.h"
#include "models/face_models.h"

namespace portier {

struct EnrolmentRejection {
  std::string source;
  std::string reason;
};

struct EnrolmentCheck {
  std::vector<Gallery::Sample> accepted;
  std::vector<EnrolmentRejection> rejected;
  // Other enrolled users nearer the accepted photos than `lookalike_within`,
  // nearest first, each with their nearest distance.
  std::vector<IdentityMatch> lookalikes;
};

struct EnrolmentLimits {
  EnrollmentRules rules;
  float consistency = 0.55f;     // each of three or more photos lies this near another (decision.threshold)
  double lookalike_within = 0.0;  // report enrolled users nearer than this (lookalike_distance)
  bool allow_duplicate = false;   // enrol even a face plainly another user's (twins): --allow-duplicate
};

// `load(i)` gives photo i (of sources.size()), or why it cannot be read;
// called once each, in order, so a long list is never held in memory.
EnrolmentCheck check_enrolment(const FaceModels& models, const EnrolmentLimits& limits, const EmbeddingIndex& enrolled,
                               const std::string& name, const std::vector<std::string>& sources,
                               const std::function<std::variant<cv::Mat, std::string>(size_t)>& load);

// The limits the config sets for enrolling `photos` photos into `enrolled`:
// look-alikes are reported within the distance that narrows a radius in the
// gallery they join.
EnrolmentLimits enrolment_limits(const Config& config, const EmbeddingIndex& enrolled, size_t photos,
                                 bool allow_duplicate = false);

// "'nuaa-0004' (0.421), 'nuaa-0006' (0.452)"
std::string describe_lookalikes(const std::vector<IdentityMatch>& lookalikes);

}  // namespace portier
