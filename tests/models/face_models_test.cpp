// The real dlib models on the shared photos.
#include "models/face_models.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "models/image_io.h"
#include "models/model_files.h"
#include "models/texture_stem.h"
#include "tests/test_support.h"

namespace portier {
namespace {

cv::Mat photo(const std::string& relative) {
  auto loaded = load_bgr_image(test::kDataDir / "faces" / relative);
  if (auto* why = std::get_if<std::string>(&loaded)) throw std::runtime_error(*why);
  return std::get<cv::Mat>(loaded);
}

class FaceModelsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const auto& m : {kResnetModel, kShapePredictorModel})
      if (auto problem = model_file_problem(test::kModelsDir, m)) FAIL() << *problem << " (run scripts/setup.sh)";
    models_ = new FaceModels(load_face_models({test::kModelsDir, DetectorKind::Hog, 0, 0.0}));
  }
  static void TearDownTestSuite() { delete models_; }

  Embedding describe_one(const cv::Mat& image) {
    const auto faces = describe_faces(*models_->detector, *models_->aligner, *models_->embedder, image);
    EXPECT_EQ(faces.size(), 1u);
    return faces.empty() ? Embedding{} : faces.front().embedding;
  }
  static FaceModels* models_;
};
FaceModels* FaceModelsTest::models_ = nullptr;

TEST_F(FaceModelsTest, FindsOneFaceInAPortraitAndNoneInDogs) {
  const auto faces = models_->detector->detect(photo("knn_examples/train/obama/obama.jpg"));
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_GT(faces[0].rect.width, 80);
  EXPECT_TRUE(models_->detector->detect(photo("dlib_examples_faces/dogs.jpg")).empty());
}

TEST_F(FaceModelsTest, SamePersonIsNearAndDifferentPeopleAreFar) {
  const auto obama1 = describe_one(photo("knn_examples/train/obama/obama.jpg"));
  const auto obama2 = describe_one(photo("knn_examples/train/obama/obama2.jpg"));
  const auto biden = describe_one(photo("knn_examples/train/biden/biden.jpg"));
  EXPECT_LT(embedding_distance(obama1, obama2), 0.55f);
  EXPECT_GT(embedding_distance(obama1, biden), 0.6f);
}

TEST_F(FaceModelsTest, AnRgbaPngIsReadAsColour) {
  const cv::Mat rgba = photo("face_recognition_tests/32bit.png");
  EXPECT_EQ(rgba.channels(), 3);
  const auto obama = describe_one(photo("knn_examples/train/obama/obama.jpg"));
  EXPECT_LT(embedding_distance(describe_one(rgba), obama), 0.55f);
}

TEST_F(FaceModelsTest, BatchedEmbeddingEqualsOneByOne) {
  const cv::Mat image = photo("knn_examples/test/obama_and_biden.jpg");
  const auto faces = describe_faces(*models_->detector, *models_->aligner, *models_->embedder, image);
  ASSERT_GE(faces.size(), 2u);
  for (const auto& f : faces) {
    const auto alone = models_->embedder->embed({f.aligned.chip}).front();
    EXPECT_LT(embedding_distance(alone, f.embedding), 1e-4f);
  }
}

TEST_F(FaceModelsTest, ChipsAreAlignedAndSized) {
  const auto aligned = models_->aligner->align(photo("knn_examples/train/obama/obama.jpg"),
                                               models_->detector->detect(photo("knn_examples/train/obama/obama.jpg"))[0].rect);
  EXPECT_EQ(aligned.chip.rows, kChipSize);
  EXPECT_EQ(aligned.chip.cols, kChipSize);
  EXPECT_EQ(aligned.chip.type(), CV_8UC3);
  EXPECT_LT(aligned.landmarks[0].x, aligned.landmarks[2].x + 1000);  // landmarks filled
  EXPECT_GT(aligned.landmarks[0].x, 0.0f);
}

TEST_F(FaceModelsTest, UpsamplingFindsSmallerFacesInOriginalCoordinates) {
  cv::Mat small;
  const cv::Mat full = photo("knn_examples/train/obama/obama.jpg");
  cv::resize(full, small, {}, 0.12, 0.12, cv::INTER_AREA);
  auto up = make_hog_detector(1, 0.0);
  const auto plain = models_->detector->detect(small);
  const auto faces = up->detect(small);
  ASSERT_EQ(faces.size(), 1u) << "face of " << small.cols << " px wide image";
  EXPECT_LE(plain.size(), faces.size());
  const cv::Rect inside(0, 0, small.cols, small.rows);
  EXPECT_GT((faces[0].rect & inside).area(), faces[0].rect.area() / 2) << "box mapped back to the small image";
}

TEST_F(FaceModelsTest, NearestCentrePicksTheMiddleFace) {
  const std::vector<FaceBox> faces{{cv::Rect(0, 0, 10, 10), 1}, {cv::Rect(45, 45, 10, 10), 1}, {cv::Rect(90, 0, 10, 10), 1}};
  EXPECT_EQ(face_nearest_centre(faces, {100, 100}), 1);
  EXPECT_EQ(face_nearest_centre({}, {100, 100}), -1);
}

TEST_F(FaceModelsTest, MmodDetectorFindsTheFaceToo) {
  if (auto problem = model_file_problem(test::kModelsDir, kMmodModel)) FAIL() << *problem;
  auto cnn = make_mmod_detector(test::kModelsDir / kMmodModel.name, 0);
  const cv::Mat image = photo("knn_examples/train/obama/obama.jpg");
  const auto hog = models_->detector->detect(image);
  const auto found = cnn->detect(image);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_GT((found[0].rect & hog[0].rect).area(), 0) << "both detectors agree on where the face is";
}

TEST(TextureStemWeights, AreReadFromTheResnetFileAndGiveStableResponses) {
  const auto w = resnet_stem_weights(test::kModelsDir / kResnetModel.name);
  ASSERT_EQ(w.filters.size(), size_t{TextureStemWeights::kFilters * TextureStemWeights::kTaps});
  const TextureStem stem(w);
  cv::Mat image = photo("knn_examples/train/obama/obama.jpg");
  cv::resize(image, image, cv::Size(112, 112), 0, 0, cv::INTER_AREA);
  const auto a = stem.describe(image), b = stem.describe(image);
  EXPECT_EQ(a, b);
  double total = 0;
  for (float v : a) total += v;
  EXPECT_GT(total, 0.0) << "a real photo makes the learnt filters respond";
  cv::Mat flat(112, 112, CV_8UC3, cv::Scalar(120, 120, 120));
  const auto f = stem.describe(flat);
  for (int i = 1; i < TextureStem::kFeatureCount; i += 2) EXPECT_NEAR(f[static_cast<size_t>(i)], 0.0f, 1e-5) << "no spread on a flat image";
}

TEST(TextureStemWeights, ANonNetworkFileIsRefusedByName) {
  test::TempDir dir;
  test::write_file(dir / "not-a-net.dat", "hello");
  EXPECT_THROW(resnet_stem_weights(dir / "not-a-net.dat"), std::runtime_error);
  try {
    (void)load_resnet(dir / "not-a-net.dat");
    ADD_FAILURE() << "a file that is no network was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not-a-net.dat"), std::string::npos) << e.what();
  }
}

TEST_F(FaceModelsTest, CarryTheResnetsFirstLayerReadWithTheNetwork) {
  // Liveness takes its filters from here, so the service reads the 22 MB file once.
  const auto from_file = resnet_stem_weights(test::kModelsDir / kResnetModel.name);
  ASSERT_EQ(models_->stem.filters.size(), size_t{TextureStemWeights::kFilters * TextureStemWeights::kTaps});
  EXPECT_EQ(models_->stem.filters, from_file.filters);
  EXPECT_EQ(models_->stem.biases, from_file.biases);
  EXPECT_EQ(models_->stem.gamma, from_file.gamma);
  EXPECT_EQ(models_->stem.beta, from_file.beta);
}

}  // namespace
}  // namespace portier
