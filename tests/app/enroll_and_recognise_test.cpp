// Enrol through the portier binary into a real SQLite file, then recognise
// the held-out probes of the shared data set with the gallery it wrote.
#include <gtest/gtest.h>

#include "access/gallery.h"
#include "app/config.h"
#include "models/face_models.h"
#include "models/image_io.h"
#include "tests/test_support.h"

namespace portier {
namespace {

class EnrolAndRecognise : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir;
    config_ = new std::filesystem::path(test::write_config(*dir_));
    const auto faces = test::kDataDir / "faces";
    for (const auto& root : {faces / "knn_examples/train", faces / "svm_people_dataset/train"})
      for (const auto& person : std::filesystem::directory_iterator(root)) {
        std::string images;
        for (const auto& image : std::filesystem::directory_iterator(person.path())) images += " " + image.path().string();
        const auto r = test::run_command(test::portier("enroll --config " + config_->string() + " --name " +
                                                       person.path().filename().string() + images));
        ASSERT_EQ(r.exit_code, 0) << r.err;
      }
    const Config config = load_config(*config_);
    threshold_ = config.pipeline.decision.threshold;
    models_ = new FaceModels(load_face_models(config.models));
    Gallery gallery(config.gallery_path);
    index_ = new EmbeddingIndex(gallery.load_index());
  }
  static void TearDownTestSuite() {
    delete index_;
    delete models_;
    delete config_;
    delete dir_;
  }

  // Names of the `people` largest faces, left to right; "unknown" beyond the
  // threshold. (Group photos hold bystanders the labels do not name.)
  std::vector<std::string> recognise(const std::string& relative, size_t people = 1) {
    const cv::Mat image = std::get<cv::Mat>(load_bgr_image(test::kDataDir / "faces" / relative));
    auto faces = describe_faces(*models_->detector, *models_->aligner, *models_->embedder, image);
    std::sort(faces.begin(), faces.end(), [](auto& a, auto& b) { return a.box.rect.area() > b.box.rect.area(); });
    if (faces.size() > people) faces.resize(people);
    std::sort(faces.begin(), faces.end(), [](auto& a, auto& b) { return a.box.rect.x < b.box.rect.x; });
    std::vector<std::string> names;
    for (const auto& f : faces) {
      const auto m = index_->nearest(f.embedding);
      names.push_back(m && m->distance < threshold_ ? m->name : "unknown");
    }
    return names;
  }

  static test::TempDir* dir_;
  static std::filesystem::path* config_;
  static FaceModels* models_;
  static EmbeddingIndex* index_;
  static float threshold_;
};
test::TempDir* EnrolAndRecognise::dir_ = nullptr;
std::filesystem::path* EnrolAndRecognise::config_ = nullptr;
FaceModels* EnrolAndRecognise::models_ = nullptr;
EmbeddingIndex* EnrolAndRecognise::index_ = nullptr;
float EnrolAndRecognise::threshold_ = 0;

using Names = std::vector<std::string>;

TEST_F(EnrolAndRecognise, EveryoneWasEnrolled) { EXPECT_EQ(index_->users(), 8u); }

TEST_F(EnrolAndRecognise, KnnProbesAreRecognisedByName) {
  EXPECT_EQ(recognise("knn_examples/test/alex_lacamoire1.jpg"), Names{"alex_lacamoire"});
  EXPECT_EQ(recognise("knn_examples/test/johnsnow_test1.jpg"), Names{"kit_harington"});
  EXPECT_EQ(recognise("knn_examples/test/obama1.jpg"), Names{"obama"});
  EXPECT_EQ(recognise("knn_examples/test/kit_with_rose.jpg", 2), (Names{"rose_leslie", "kit_harington"}));
  EXPECT_EQ(recognise("knn_examples/test/obama_and_biden.jpg", 2), (Names{"biden", "obama"}));
}

TEST_F(EnrolAndRecognise, SvmProbesAreRecognisedByName) {
  EXPECT_EQ(recognise("svm_people_dataset/test/test_guido_van_rossum.jpg"), Names{"guido_van_rossum"});
  EXPECT_EQ(recognise("svm_people_dataset/test/test_paul_allen.jpg"), Names{"paul_allen"});
  EXPECT_EQ(recognise("svm_people_dataset/test/test_steve_wozniak.jpg"), Names{"steve_wozniak"});
}

TEST_F(EnrolAndRecognise, AnUnenrolledPersonIsUnknown) {
  EXPECT_EQ(recognise("svm_people_dataset/test/test_unknown_elon_musk.jpg"), Names{"unknown"});
}

}  // namespace
}  // namespace portier
