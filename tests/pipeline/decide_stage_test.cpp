// The decide stage weighs the runner-up: it asks the index for the two
// nearest users and hands both to the policy's rule.
#include <atomic>
#include <cmath>
#include <memory>

#include <gtest/gtest.h>

#include "pipeline/decide_stage.h"

namespace portier {
namespace {

// A unit vector along axis `a`, tilted towards axis `b` so that the two
// are `distance` apart (|e_a - (cos t e_a + sin t e_b)| = 2 sin(t / 2)).
Embedding towards(int a, int b, double distance) {
  const double t = 2.0 * std::asin(distance / 2.0);
  Embedding e{};
  e[a] = static_cast<float>(std::cos(t));
  e[b] = static_cast<float>(std::sin(t));
  return e;
}
Embedding axis(int a) {
  Embedding e{};
  e[a] = 1.0f;
  return e;
}

// Three frames of one track showing `probe` to a gallery of ann and bob, and
// the verdict the stage reaches on them.
std::optional<Verdict> decide(const Embedding& probe) {
  EmbeddingIndex index;
  index.add(1, "ann", axis(0));
  index.add(2, "bob", axis(1));
  DecisionOptions options;
  options.grant_frames = 2;
  options.deny_frames = 3;
  options.rule_for_gallery = [](GallerySize gallery) {
    EXPECT_EQ(gallery.users, 2u);
    EXPECT_EQ(gallery.embeddings, 2u);
    AcceptanceRule rule;
    rule.threshold = 0.9;
    rule.score_threshold = 0.3;
    return rule;
  };
  BoundedQueue<FaceBatch> in(8);
  BoundedQueue<TrackDecided> decided(8);
  BoundedQueue<ActInput> out(8);
  const std::atomic<std::uint64_t> fresh{0};
  DecideStage stage(std::move(index), nullptr, options, in, decided, out, fresh);
  for (int i = 0; i < 3; ++i) {
    auto batch = std::make_unique<FaceBatch>();
    FaceSample face;
    face.track_id = 7;
    face.embedding = probe;
    batch->faces.push_back(face);
    in.push(std::move(batch));
  }
  in.producer_done();
  stage.run();
  auto first = out.try_pop();
  if (!first || !first->face) return std::nullopt;
  return first->face->verdict;
}

TEST(DecideStage, AcceptsAFaceThatLeadsItsRunnerUp) {
  // 0.5 from ann and 1.41 from bob: score -0.41, under 0.3.
  EXPECT_EQ(decide(towards(0, 2, 0.5)), Verdict::Granted);
}

TEST(DecideStage, RefusesAFaceAsNearTheRunnerUpAsTheNearest) {
  // Between ann and bob: 0.75 from ann, 0.78 from bob: score 0.71, refused
  // though the distance alone (under 0.9) would take it.
  Embedding between{};
  between[0] = 0.72f;
  between[1] = 0.694f;
  const float n = std::sqrt(0.72f * 0.72f + 0.694f * 0.694f);
  between[0] /= n;
  between[1] /= n;
  EXPECT_EQ(decide(between), Verdict::DeniedUnknown);
}

}  // namespace
}  // namespace portier
