// Which photos of one person may be enrolled, by the same rules wherever
// they come from (`portier enroll`, the console's upload, the console's
// camera): exactly one face, big, whole and sharp; not the face of another
// enrolled user; and, given three or more, like the others given.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "access/gallery.h"
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
};

// `load(i)` gives photo i (of sources.size()), or why it cannot be read;
// called once each, in order, so a long list is never held in memory.
EnrolmentCheck check_enrolment(const FaceModels& models, const EnrollmentRules& rules, float threshold,
                               const EmbeddingIndex& enrolled, const std::string& name,
                               const std::vector<std::string>& sources,
                               const std::function<std::variant<cv::Mat, std::string>(size_t)>& load);

}  // namespace portier
