#include "bench/identification.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "tests/test_support.h"

namespace portier {
namespace {

std::vector<std::string> paths(const std::vector<IdentityImage>& images) {
  std::vector<std::string> out;
  for (const auto& i : images) out.push_back(i.path);
  return out;
}

TEST(IdentityLabels, ReadsPathsWithAnOptionalHeaderAndNamesTheBadLine) {
  test::TempDir dir;
  test::write_file(dir / "l.csv", "path,identity\na/1.jpg,a\r\n\nb/1.jpg,b\n");
  const auto images = read_identity_labels(dir / "l.csv");
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[1].path, "b/1.jpg");
  EXPECT_EQ(images[1].identity, "b");

  test::write_file(dir / "bad.csv", "a/1.jpg,a\na/2.jpg\n");
  try {
    read_identity_labels(dir / "bad.csv");
    FAIL() << "a line without an identity was read";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  test::write_file(dir / "twice.csv", "a/1.jpg,a\na/1.jpg,b\n");
  EXPECT_THROW(read_identity_labels(dir / "twice.csv"), std::invalid_argument);
  test::write_file(dir / "empty.csv", "path,identity\n");
  EXPECT_THROW(read_identity_labels(dir / "empty.csv"), std::invalid_argument);
}

// anna(3), bert(1), carl(2), dora(2), emil(2): sorted, those with two images
// or more are anna, carl, dora, emil; every second one is enrolled: anna, dora.
std::vector<IdentityImage> five_people() {
  return {{"emil/2.jpg", "emil"}, {"anna/3.jpg", "anna"}, {"anna/1.jpg", "anna"}, {"bert/1.jpg", "bert"},
          {"carl/1.jpg", "carl"}, {"dora/2.jpg", "dora"}, {"carl/2.jpg", "carl"}, {"dora/1.jpg", "dora"},
          {"anna/2.jpg", "anna"}, {"emil/1.jpg", "emil"}};
}

TEST(IdentificationProtocol, EnrolsEverySecondIdentityWithTwoImagesByItsFirstImage) {
  const auto p = make_identification_protocol(five_people());
  EXPECT_EQ(p.identities, 2u);
  EXPECT_EQ(paths(p.enrolled), (std::vector<std::string>{"anna/1.jpg", "dora/1.jpg"}));
  EXPECT_EQ(paths(p.mated), (std::vector<std::string>{"anna/2.jpg", "anna/3.jpg", "dora/2.jpg"}));
  EXPECT_EQ(paths(p.non_mated),
            (std::vector<std::string>{"bert/1.jpg", "carl/1.jpg", "carl/2.jpg", "emil/1.jpg", "emil/2.jpg"}));
}

TEST(IdentificationProtocol, ASmallerGalleryTurnsTheOthersIntoNonMatedProbesTheSameWayEveryTime) {
  const auto a = make_identification_protocol(five_people(), 1, 7);
  const auto b = make_identification_protocol(five_people(), 1, 7);
  ASSERT_EQ(a.enrolled.size(), 1u);
  EXPECT_EQ(paths(a.enrolled), paths(b.enrolled)) << "seeded";
  EXPECT_EQ(a.mated.size() + a.non_mated.size() + a.enrolled.size(), 10u) << "every image is used once";
  const bool anna = a.enrolled[0].identity == "anna";
  EXPECT_EQ(a.mated.size(), anna ? 2u : 1u);
  EXPECT_EQ(a.non_mated.size(), anna ? 7u : 8u) << "the other enrollable identity's images all become non-mated";
}

TEST(IdentificationProtocol, MorePhotosPerPersonAreComparedOnTheSameProbes) {
  // From the third image on is a probe: only anna has three images, so she
  // alone is enrollable, with one photo or two, and probed by anna/3 both times.
  const auto one = make_identification_protocol(five_people(), std::nullopt, 1, {1, 2});
  const auto two = make_identification_protocol(five_people(), std::nullopt, 1, {2, 2});
  EXPECT_EQ(one.identities, 1u);
  EXPECT_EQ(two.identities, 1u);
  EXPECT_EQ(paths(one.enrolled), (std::vector<std::string>{"anna/1.jpg"}));
  EXPECT_EQ(paths(two.enrolled), (std::vector<std::string>{"anna/1.jpg", "anna/2.jpg"}));
  EXPECT_EQ(paths(one.mated), (std::vector<std::string>{"anna/3.jpg"}));
  EXPECT_EQ(paths(two.mated), paths(one.mated));
  EXPECT_EQ(two.non_mated.size(), 7u) << "everyone else, carl, dora and emil now too";
  EXPECT_THROW(make_identification_protocol(five_people(), std::nullopt, 1, {3, 2}), std::invalid_argument)
      << "an enrolment photo may not also be a probe";
  EXPECT_THROW(make_identification_protocol(five_people(), std::nullopt, 1, {0, 2}), std::invalid_argument);
}

TEST(IdentificationMetrics, RatesWorkedOutByHand) {
  const float none = std::numeric_limits<float>::infinity();
  // Four mated probes: found at 0.30 and 0.45, the wrong identity nearest at
  // 0.20, and one without a face. Ten non-mated: nearest at 0.25, 0.35, 0.50
  // and seven at 0.80, one of those without a face.
  std::vector<ProbeSearch> probes = {
      {true, true, true, 0.30f, 0.70f}, {true, true, true, 0.45f, 0.60f}, {true, true, false, 0.20f, 0.50f},
      {true, false, false, 0.0f, none},
  };
  for (float d : {0.25f, 0.35f, 0.50f, 0.80f, 0.80f, 0.80f, 0.80f, 0.80f, 0.80f}) probes.push_back({false, true, false, d, 0.9f});
  probes.push_back({false, false, false, 0.0f, none});
  const auto r = evaluate_identification(probes, 2, [](const ProbeSearch& p) { return p.nearest < 0.4f; });
  EXPECT_EQ(r.enrolled, 2u);
  EXPECT_EQ(r.mated, 4u);
  EXPECT_EQ(r.non_mated, 10u);
  EXPECT_EQ(r.not_detected, 2u);
  EXPECT_DOUBLE_EQ(r.rank1, 0.5) << "two of four have their own identity nearest";
  // At the rule (below 0.4): one mated found (0.30) -> FNIR 3/4; non-mated
  // below 0.4: 0.25 and 0.35 -> FPIR 2/10.
  EXPECT_DOUBLE_EQ(r.fnir_at_rule, 0.75);
  EXPECT_DOUBLE_EQ(r.fpir_at_rule, 0.2);
  // FPIR 1e-2 of 10 probes: k = 0, the threshold is the smallest non-mated
  // distance, 0.25: nothing is strictly below it, so no mated probe is found.
  EXPECT_DOUBLE_EQ(r.threshold_at_fpir_1e2, 0.25);
  EXPECT_DOUBLE_EQ(r.fnir_at_fpir_1e2, 1.0);
}

TEST(IdentificationMetrics, TheThresholdAtAnFpirLetsThatShareOfStrangersThrough) {
  std::vector<ProbeSearch> probes;
  for (int i = 0; i < 1000; ++i) probes.push_back({false, true, false, 0.3f + 0.001f * static_cast<float>(i), 1.0f});
  probes.push_back({true, true, true, 0.3095f, 1.0f});  // below the 10th smallest stranger
  probes.push_back({true, true, true, 0.3105f, 1.0f});  // above it
  const auto r = evaluate_identification(probes, 1, [](const ProbeSearch&) { return false; });
  EXPECT_NEAR(r.threshold_at_fpir_1e2, 0.310, 1e-6) << "10 of 1000 strangers are below it";
  EXPECT_DOUBLE_EQ(r.fnir_at_fpir_1e2, 0.5);
  EXPECT_NEAR(r.threshold_at_fpir_1e3, 0.301, 1e-6);
  EXPECT_DOUBLE_EQ(r.fnir_at_fpir_1e3, 1.0);
  EXPECT_DOUBLE_EQ(r.fnir_at_rule, 1.0);
  EXPECT_DOUBLE_EQ(r.fpir_at_rule, 0.0);
}

}  // namespace
}  // namespace portier
