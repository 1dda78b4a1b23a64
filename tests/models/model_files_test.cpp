#include "models/model_files.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace portier {
namespace {

TEST(ModelFiles, Sha256OfAKnownText) {
  test::TempDir dir;
  test::write_file(dir / "abc", "abc");
  EXPECT_EQ(sha256_of_file(dir / "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(sha256_of_file(dir / "missing"));
}

TEST(ModelFiles, NamesAMissingOrCorruptFile) {
  test::TempDir dir;
  EXPECT_NE(model_file_problem(dir.path(), kResnetModel)->find("is missing"), std::string::npos);
  test::write_file(dir / std::string(kResnetModel.name), "truncated");
  const auto problem = model_file_problem(dir.path(), kResnetModel);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("dlib_face_recognition_resnet_model_v1.dat is corrupt"), std::string::npos) << *problem;
}

}  // namespace
}  // namespace portier
