#include "access/lookalikes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/face_embedder.h"

namespace portier {
namespace {

// A face at `distance` from the origin's face along axis k (1-based user ids).
Embedding at(int k, float distance) {
  Embedding e{};
  e[static_cast<size_t>(k)] = distance;
  return e;
}

AcceptanceRule rule_at(double threshold) {
  AcceptanceRule r;
  r.threshold = threshold;
  return r;
}

TEST(NearestOtherUsers, AgreesWithBruteForceOverUsersOfSeveralEmbeddings) {
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0.0f, 0.1f);
  EmbeddingIndex index;
  std::vector<std::pair<std::int64_t, Embedding>> all;
  for (int user = 1; user <= 700; ++user)  // more rows than one block of the product
    for (int k = 0; k < 1 + user % 3; ++k) {
      Embedding e;
      for (auto& v : e) v = n(rng);
      index.add(user, "u" + std::to_string(user), e);
      all.emplace_back(user, e);
    }
  const auto nearest = index.nearest_other_users();
  ASSERT_EQ(nearest.size(), 700u);
  for (int user : {1, 2, 350, 699, 700}) {
    float best = 1e9f;
    std::int64_t best_other = 0;
    for (const auto& [a, ea] : all)
      for (const auto& [b, eb] : all)
        if (a == user && b != user && embedding_distance(ea, eb) < best) {
          best = embedding_distance(ea, eb);
          best_other = b;
        }
    const auto& found = nearest[static_cast<size_t>(user - 1)];
    EXPECT_EQ(found.user_id, user);
    EXPECT_EQ(found.other_id, best_other);
    EXPECT_NEAR(found.distance, best, 1e-4);
  }
}

TEST(NearestOtherUsers, NeedsTwoUsers) {
  EmbeddingIndex index;
  EXPECT_TRUE(index.nearest_other_users().empty());
  index.add(1, "ann", at(0, 1.0f));
  index.add(1, "ann", at(1, 1.0f));
  EXPECT_TRUE(index.nearest_other_users().empty()) << "one user's own embeddings are not look-alikes";
}

// ann and bea lie 0.42 apart (NUAA's different women did); cat is far from both.
EmbeddingIndex three_users() {
  EmbeddingIndex index;
  index.add(1, "ann", at(0, 0.0f));
  index.add(2, "bea", at(0, 0.42f));
  index.add(3, "cat", at(1, 1.0f));
  return index;
}

TEST(LookAlikes, ALookAlikeNarrowsBothRadiiAndStrangersAsNearAreRefused) {
  const auto rule = with_lookalikes(rule_at(0.45), three_users().nearest_other_users());
  EXPECT_NEAR(rule.threshold_for(1), kLookAlikeShrink * 0.42, 1e-6);
  EXPECT_NEAR(rule.threshold_for(2), kLookAlikeShrink * 0.42, 1e-6);
  EXPECT_DOUBLE_EQ(rule.threshold_for(3), 0.45) << "cat has no look-alike";
  // A stranger 0.40 from ann (NUAA 0012 was 0.39-0.40 from 0004) and farther from bea:
  EXPECT_FALSE(rule.accepts(1, 0.40, 0.60)) << "within the gallery's distance, beyond ann's own";
  EXPECT_TRUE(rule.accepts(1, 0.30, 0.60)) << "ann herself (0.29-0.33)";
  EXPECT_TRUE(rule.accepts(3, 0.40, 0.90)) << "cat keeps the gallery's distance";
  EXPECT_FALSE(rule.accepts(0.60, 0.90)) << "the user-free form keeps the gallery's distance";
}

TEST(LookAlikes, TheNearestMustLeadTheRunnerUpAtEveryGallerySize) {
  const auto rule = with_lookalikes(rule_at(0.45), three_users().nearest_other_users());
  EXPECT_DOUBLE_EQ(rule.min_lead, kMinLead);
  EXPECT_FALSE(rule.accepts(3, 0.30, 0.30 + kMinLead / 2)) << "about as near two users: neither";
  EXPECT_TRUE(rule.accepts(3, 0.30, 0.30 + kMinLead * 2));
  EXPECT_TRUE(rule.accepts(3, 0.30, std::nullopt)) << "nobody else enrolled";
}

TEST(LookAlikes, PairsAreNamedOnceNearestFirstAndOnlyWithinTheLookAlikeDistance) {
  EmbeddingIndex index = three_users();
  index.add(4, "dot", at(1, 1.3f));  // 0.3 from cat
  const auto rule = rule_at(0.45);
  EXPECT_NEAR(lookalike_distance(rule), 0.45 / kLookAlikeShrink, 1e-9);
  const auto pairs = lookalike_pairs(index.nearest_other_users(), rule);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_NEAR(pairs[0].distance, 0.3, 1e-5);
  EXPECT_EQ(describe_pair(pairs[1]), "'ann' ~ 'bea' (0.420)");
  EXPECT_TRUE(lookalike_pairs(index.nearest_other_users(), rule_at(0.2)).empty())
      << "0.3 x shrink is above a 0.2 rule: nobody's radius narrows, so nobody is a look-alike";
}

TEST(LookAlikes, SecondFactorIsTheCardTheyHoldElseTheirPinAndWhoLacksOneIsNamed) {
  AccessDirectory d;
  d.faces = three_users();
  d.cards.add("1001", {1, "ann", {}});
  d.pins.add(2, {"hash", ""});
  const auto rule = with_lookalikes(rule_at(0.45), d.faces.nearest_other_users());

  require_second_factor(d, rule, true, true);
  EXPECT_EQ(d.lookalike_modes.at(1), VerificationMode::CardAndFace) << "ann holds a card";
  EXPECT_EQ(d.lookalike_modes.at(2), VerificationMode::FaceAndPin) << "bea has a PIN and no card";
  EXPECT_FALSE(d.lookalike_modes.count(3));
  EXPECT_TRUE(lookalikes_without_second_factor(d, d.faces.nearest_other_users()).empty());

  require_second_factor(d, rule, true, false);
  EXPECT_EQ(d.lookalike_modes.at(2), VerificationMode::CardAndFace) << "no keypad: the card, which bea lacks";
  EXPECT_EQ(lookalikes_without_second_factor(d, d.faces.nearest_other_users()), std::vector<std::string>{"bea"});
}

}  // namespace
}  // namespace portier
