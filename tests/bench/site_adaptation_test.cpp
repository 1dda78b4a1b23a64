#include "bench/site_adaptation.h"

#include <gtest/gtest.h>

#include <random>

#include "models/liveness_features.h"

namespace portier {
namespace {

// A site's captures: live faces around +0.5 in every scene feature, attacks
// around -0.5, with noise; `overlap` attacks that look live.
struct Site {
  std::vector<LivenessImage> images;
  std::vector<LivenessSample> samples;
};

Site site(int live, int spoof, int overlap, unsigned seed) {
  Site s;
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const auto dims = static_cast<size_t>(scene_feature_count());
  for (int i = 0; i < live + spoof; ++i) {
    const bool is_live = i < live;
    const float centre = is_live || i >= live + spoof - overlap ? 0.5f : -0.5f;
    LivenessSample sample;
    sample.face_found = true;
    sample.features.face.assign(static_cast<size_t>(face_feature_count()), 0.0f);
    for (size_t k = 0; k < dims; ++k) sample.features.scene.push_back(centre + noise(rng));
    s.images.push_back({"c" + std::to_string(i) + ".jpg", is_live, false, "door"});
    s.samples.push_back(std::move(sample));
  }
  return s;
}

LivenessModel base() {
  LivenessModel m;
  m.threshold = 0.57;
  return m;
}

TEST(SiteThreshold, TheLiveQuantileWhenApartJustAboveTheAttacksOtherwise) {
  EXPECT_DOUBLE_EQ(site_threshold(0.2, 0.8), 0.8);
  const double t = site_threshold(0.7, 0.6);
  EXPECT_GT(t, 0.7) << "no held-out attack may pass";
  EXPECT_LT(t, 0.7 + 1e-9);
}

TEST(SiteAdaptation, SeparatesASitesOwnCapturesHeldOutAndKeepsTheBase) {
  const auto s = site(60, 40, 0, 1);
  const auto a = adapt_to_site(base(), s.images, s.samples, {});
  ASSERT_TRUE(a.model.site);
  EXPECT_EQ(a.live, 60u);
  EXPECT_EQ(a.spoof, 40u);
  EXPECT_TRUE(a.separated);
  EXPECT_EQ(a.held_out.apcer, 0.0);
  EXPECT_LE(a.held_out.bpcer, 0.05);
  EXPECT_GT(a.model.threshold, a.highest_attack);
  EXPECT_DOUBLE_EQ(a.model.threshold, a.live_at_max_bpcer);
  ASSERT_EQ(a.scores.size(), s.images.size());
  EXPECT_NE(a.model.threshold, 0.57) << "its own threshold, not the base's";
}

TEST(SiteAdaptation, AttacksThatLookLiveCostLiveFacesNotAttacks) {
  const auto s = site(60, 40, 4, 2);
  const auto a = adapt_to_site(base(), s.images, s.samples, {});
  EXPECT_FALSE(a.separated);
  EXPECT_EQ(a.held_out.apcer, 0.0) << "no held-out attack passes the threshold";
  EXPECT_GT(a.held_out.bpcer, 0.05) << "what it costs is said";
}

TEST(SiteAdaptation, RefusesTooFewCapturesOfAClass) {
  const auto s = site(40, 5, 0, 3);
  try {
    adapt_to_site(base(), s.images, s.samples, {});
    FAIL() << "adapted on 5 attacks";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("40 live and 5 attacks"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace portier
