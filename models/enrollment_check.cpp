#include "models/enrollment_check.h"

#include <algorithm>
#include <fmt/format.h>

#include "models/image_quality.h"

namespace portier {

std::optional<std::string> enrollment_problem(const cv::Mat& bgr, const std::vector<FaceBox>& faces,
                                              const EnrollmentRules& rules) {
  if (faces.empty()) return std::string("no face found");
  if (faces.size() > 1) return fmt::format("{} faces found; enrolment needs exactly one person in the picture", faces.size());
  const cv::Rect& face = faces.front().rect;
  const int size = std::min(face.width, face.height);
  if (size < rules.min_face_px)
    return fmt::format("face is {} px, smaller than enroll.min_face_px = {}: use a closer or larger photo", size,
                       rules.min_face_px);
  const double inside = static_cast<double>(clip_to_image(face, bgr.size()).area()) / std::max(1, face.area());
  if (inside < rules.min_inside) return std::string("face is cut off by the image border");
  const double sharpness = face_sharpness(bgr, face);
  if (sharpness < rules.min_sharpness)
    return fmt::format("face is blurred (sharpness {:.1f}, enroll.min_sharpness = {:.1f})", sharpness, rules.min_sharpness);
  return std::nullopt;
}

}  // namespace portier
