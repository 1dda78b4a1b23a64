#include "access/embedding_index.h"

#include <gtest/gtest.h>

#include <random>

#include "models/face_embedder.h"

namespace portier {
namespace {

Embedding random_embedding(std::mt19937& rng) {
  std::normal_distribution<float> n(0.0f, 0.1f);
  Embedding e;
  for (auto& v : e) v = n(rng);
  return e;
}

TEST(EmbeddingIndex, EmptyIndexHasNoNearest) {
  EmbeddingIndex index;
  EXPECT_FALSE(index.nearest(Embedding{}));
}

TEST(EmbeddingIndex, NearestAgreesWithBruteForceOverManyUsers) {
  std::mt19937 rng(7);
  EmbeddingIndex index;
  std::vector<std::pair<std::int64_t, Embedding>> all;
  for (int user = 1; user <= 2000; ++user)
    for (int k = 0; k < 3; ++k) {
      auto e = random_embedding(rng);
      index.add(user, "u" + std::to_string(user), e);
      all.emplace_back(user, e);
    }
  EXPECT_EQ(index.size(), 6000u);
  EXPECT_EQ(index.users(), 2000u);
  for (int probe = 0; probe < 50; ++probe) {
    const auto p = random_embedding(rng);
    std::int64_t best_user = 0;
    float best = 1e9f;
    for (const auto& [user, e] : all)
      if (float d = embedding_distance(p, e); d < best) best = d, best_user = user;
    const auto got = index.nearest(p);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->user_id, best_user);
    EXPECT_NEAR(got->distance, best, 1e-4);
    EXPECT_EQ(got->name, "u" + std::to_string(best_user));
  }
}

TEST(EmbeddingIndex, AUserWithSeveralEmbeddingsMatchesOnTheClosest) {
  EmbeddingIndex index;
  Embedding a{}, b{}, probe{};
  a[0] = 1.0f;
  b[1] = 1.0f;
  probe[1] = 0.9f;
  index.add(1, "alice", a);
  index.add(1, "alice", b);
  const auto got = index.nearest(probe);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->user_id, 1);
  EXPECT_NEAR(got->distance, 0.1f, 1e-6);
}

}  // namespace
}  // namespace portier
