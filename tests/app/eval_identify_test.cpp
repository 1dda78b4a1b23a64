// `portier eval identify` end to end on the shared photos, and the still
// path's detection recall on them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/face_models.h"
#include "models/image_io.h"
#include "tests/test_support.h"

namespace portier {
namespace {

// The shared photos of one named person each (labels.csv), by folder.
std::vector<std::pair<std::string, std::string>> single_person_photos() {
  std::ifstream in(test::kDataDir / "labels.csv");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    const auto path = line.substr(0, comma), identity = line.substr(comma + 1);
    if (path.rfind("faces/", 0) != 0 || identity == "unknown" || identity == "none" ||
        identity.find(';') != std::string::npos || path.find("partial_face") != std::string::npos)
      continue;
    if (path.size() < 4 || (path.substr(path.size() - 4) != ".jpg" && path.substr(path.size() - 4) != ".png" &&
                            path.substr(path.size() - 5) != ".jpeg"))
      continue;
    out.emplace_back(path, identity);
  }
  return out;
}

TEST(StillDetection, FindsAFaceInEverySharedPhotoOfOnePerson) {
  ModelOptions options;
  options.dir = test::kModelsDir;
  auto detector = make_still_detector(options);
  const auto photos = single_person_photos();
  ASSERT_GT(photos.size(), 30u);
  std::vector<std::string> missed;
  for (const auto& [path, identity] : photos) {
    auto loaded = load_bgr_image(test::kDataDir / path);
    ASSERT_TRUE(std::holds_alternative<cv::Mat>(loaded)) << path;
    if (detector->detect(std::get<cv::Mat>(loaded)).empty()) missed.push_back(path);
  }
  EXPECT_TRUE(missed.empty()) << missed.size() << " photos without a face, the first " << missed.front();
  auto dogs = load_bgr_image(test::kDataDir / "faces/dlib_examples_faces/dogs.jpg");
  EXPECT_TRUE(detector->detect(std::get<cv::Mat>(dogs)).empty()) << "no fallback invents a face";
}

TEST(EvalIdentify, ReportsTheProtocolsCountsAndTheJsonContract) {
  test::TempDir dir;
  // Five identities with two photos or more, sorted: barack_obama, guido,
  // joe_biden, paul_allen, steve_wozniak (kit and rose have two too).
  std::ostringstream labels;
  labels << "path,identity\n";
  for (const auto& [path, identity] : single_person_photos())
    if (path.rfind("faces/svm_people_dataset/train/", 0) == 0 || path.rfind("faces/knn_examples/train/", 0) == 0)
      labels << path << ',' << identity << '\n';
  test::write_file(dir / "labels.csv", labels.str());
  const auto config = test::write_config(dir);
  const auto r = test::run_command(test::portier("eval identify --json --config " + config.string() + " --root " +
                                                 test::kDataDir.string() + " " + (dir / "labels.csv").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto last = r.out.substr(r.out.rfind('{'));
  const auto j = nlohmann::json::parse(last);
  for (const char* key : {"enrolled", "mated", "non_mated", "rank1", "fnir_at_fpir_1e-2", "fnir_at_fpir_1e-3",
                          "threshold_at_fpir_1e-3", "fnir_at_threshold", "fpir_at_threshold", "not_detected"})
    EXPECT_TRUE(j.contains(key)) << key << " missing from " << last;
  // By name: alex_lacamoire(1) barack_obama(2) guido_van_rossum(4) joe_biden(2)
  // kit_harington(2) paul_allen(4) rose_leslie(2) steve_wozniak(4): of the
  // seven with two or more, the 1st, 3rd, 5th and 7th are enrolled: barack,
  // joe, paul, steve -> 4 enrolled, 1 + 1 + 3 + 3 = 8 mated, and
  // alex 1 + guido 4 + kit 2 + rose 2 = 9 non-mated.
  EXPECT_EQ(j["enrolled"], 4);
  EXPECT_EQ(j["mated"], 8);
  EXPECT_EQ(j["non_mated"], 9);
  EXPECT_EQ(j["not_detected"], 0);
  EXPECT_GE(j["rank1"].get<double>(), 7.0 / 8.0) << "well-known faces, good photos";
  EXPECT_EQ(j["fpir_at_threshold"], 0.0) << r.out;

  const auto bad = test::run_command(test::portier("eval identify --config " + config.string() + " --root " +
                                                   test::kDataDir.string() + " " + (dir / "missing.csv").string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("missing.csv"), std::string::npos) << bad.err;
}

TEST(EvalIdentify, EnrolsSeveralPhotosAPersonAndProbesWithTheRest) {
  test::TempDir dir;
  std::ostringstream labels;
  for (const auto& [path, identity] : single_person_photos())
    if (path.rfind("faces/svm_people_dataset/train/", 0) == 0 || path.rfind("faces/knn_examples/train/", 0) == 0)
      labels << path << ',' << identity << '\n';
  test::write_file(dir / "labels.csv", labels.str());
  const auto config = test::write_config(dir);
  const auto command = "eval identify --json --config " + config.string() + " --root " + test::kDataDir.string() + " " +
                       (dir / "labels.csv").string();
  // Probes after the first two images: guido, paul and steve have three or
  // more (four each); the 1st and 3rd, guido and steve, are enrolled with two
  // photos each and probed with their other 2 + 2; the other 13 images
  // (alex 1, barack 2, joe 2, kit 2, paul 4, rose 2) are non-mated.
  const auto r = test::run_command(test::portier(command + " --photos 2"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.rfind('{')));
  EXPECT_EQ(j["enrolled"], 2);
  EXPECT_EQ(j["mated"], 4);
  EXPECT_EQ(j["non_mated"], 13);
  EXPECT_NE(r.out.find("2 photos each"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("for 2 users, 4 embeddings"), std::string::npos) << "the rule counts every photo: " << r.out;

  const auto overlap = test::run_command(test::portier(command + " --photos 3 --probes-after 2"));
  EXPECT_EQ(overlap.exit_code, 2);
  EXPECT_NE(overlap.err.find("3 photos"), std::string::npos) << overlap.err;
}

}  // namespace
}  // namespace portier
