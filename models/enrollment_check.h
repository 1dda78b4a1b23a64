#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/face_types.h"

namespace portier {

struct EnrollmentRules {
  int min_face_px = 80;          // smaller faces give unreliable embeddings
  double min_sharpness = 25.0;   // face_sharpness(): blurred faces score below this
  double min_inside = 0.9;       // share of the face box inside the image
  // A photo nearer another enrolled user's face than this is that user
  // again, not a look-alike (docs/recognition.md, "Look-alikes").
  double duplicate_distance = 0.3;
};

// Why this image must not be enrolled, or std::nullopt when it may:
// exactly one face, big enough, whole, and sharp.
std::optional<std::string> enrollment_problem(const cv::Mat& bgr, const std::vector<FaceBox>& faces,
                                              const EnrollmentRules& rules);

}  // namespace portier
