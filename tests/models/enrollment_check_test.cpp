#include "models/enrollment_check.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "models/face_detector.h"
#include "models/image_io.h"
#include "tests/test_support.h"

namespace portier {
namespace {

class EnrollmentCheck : public ::testing::Test {
 protected:
  std::optional<std::string> problem(const cv::Mat& image) {
    return enrollment_problem(image, detector_->detect(image), rules_);
  }
  cv::Mat photo(const std::string& relative) {
    return std::get<cv::Mat>(load_bgr_image(test::kDataDir / "faces" / relative));
  }
  std::unique_ptr<FaceDetector> detector_ = make_hog_detector(0, 0.0);
  EnrollmentRules rules_;
};

TEST_F(EnrollmentCheck, AcceptsAClearPortrait) {
  EXPECT_EQ(problem(photo("knn_examples/train/obama/obama.jpg")), std::nullopt);
}

TEST_F(EnrollmentCheck, RejectsNoFace) {
  EXPECT_EQ(problem(photo("dlib_examples_faces/dogs.jpg")), "no face found");
}

TEST_F(EnrollmentCheck, RejectsSeveralFaces) {
  const auto p = problem(photo("face_recognition_examples/two_people.jpg"));
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("2 faces found"), std::string::npos) << *p;
}

TEST_F(EnrollmentCheck, RejectsAFaceCutByTheBorder) {
  const auto p = problem(photo("face_recognition_tests/obama_partial_face.jpg"));
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("cut off"), std::string::npos) << *p;
}

TEST_F(EnrollmentCheck, RejectsABlurredFace) {
  cv::Mat blurred;
  cv::GaussianBlur(photo("knn_examples/train/obama/obama.jpg"), blurred, {0, 0}, 4.0);
  const auto p = problem(blurred);
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("blurred"), std::string::npos) << *p;
}

TEST_F(EnrollmentCheck, RejectsASmallFace) {
  const cv::Mat image = photo("knn_examples/train/obama/obama.jpg");
  const auto faces = detector_->detect(image);
  ASSERT_EQ(faces.size(), 1u);
  rules_.min_face_px = faces[0].rect.width + 10;
  const auto p = problem(image);
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("smaller than enroll.min_face_px"), std::string::npos) << *p;
}

}  // namespace
}  // namespace portier
