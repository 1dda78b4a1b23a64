#include "bench/liveness_training_run.h"

#include <gtest/gtest.h>

#include <random>

namespace portier {
namespace {

// Three sources of full frames. Liveness shows in the first feature for
// every source; in "hard" it shows only weakly, so its held-out EER is the worst.
struct Synthetic {
  std::vector<LivenessImage> images;
  std::vector<LivenessSample> samples;
};

Synthetic synthetic() {
  Synthetic d;
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (const auto& [source, separation] : {std::pair{"alpha", 3.0f}, std::pair{"beta", 3.0f}, std::pair{"hard", 0.8f}})
    for (int i = 0; i < 80; ++i) {
      const bool live = i % 2 == 0;
      d.images.push_back({std::string(source) + (live ? "/live/" : "/spoof/") + std::to_string(1000 + i) + ".jpg", live,
                          false, source});
      LivenessFeatures f;
      f.face = {(live ? separation : -separation) / 2 + noise(rng), noise(rng), noise(rng)};
      f.scene = f.face;
      f.scene.push_back(noise(rng));
      d.samples.push_back({true, f, 0.0, {}});
    }
  return d;
}

TEST(LivenessTrainingRun, HoldsOutEachSourceAndNamesTheWorst) {
  const auto d = synthetic();
  const auto run = train_liveness_model(d.images, d.samples, {0.1}, 0.05);
  ASSERT_EQ(run.sources.size(), 3u);
  EXPECT_EQ(run.worst_source, "hard");
  for (const auto& s : run.sources) {
    EXPECT_EQ(s.at_threshold.images, 80u) << s.source;
    EXPECT_FALSE(s.crops);
    if (s.source != "hard") {
      EXPECT_LT(s.at_threshold.eer, 0.1) << s.source;
      EXPECT_LT(s.at_threshold.eer, run.worst_eer) << s.source;
    }
    EXPECT_EQ(s.tracks.live, 8u) << "40 live frames, 5 to a track";
  }
  // The face head alone, every source held out: the same weak source is the worst.
  ASSERT_EQ(run.face_sources.size(), 3u);
  EXPECT_EQ(run.worst_face_source, "hard");
  ASSERT_EQ(run.held_out.size(), d.images.size());
  EXPECT_GT(run.model.threshold, 0.0);
  EXPECT_LT(run.model.threshold, 1.0);
  EXPECT_LE(run.model.calibration_floor, run.model.threshold);
  // The threshold was set for 5% of the live faces of every source weighing
  // the same: the pooled held-out BPCER lands near it.
  EXPECT_NEAR(run.pooled.bpcer, 0.05, 0.04);
}

// Three sources of full frames with replays, two of them with prints too.
// Replays show in the first feature; prints only in a ring of the second
// and third (their norm is 2, where live faces and replays sit near 0): a
// line cannot draw that, a kernel can.
Synthetic with_prints() {
  Synthetic d;
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<float> turn(0.0f, 6.283f);
  for (const auto* source : {"alpha", "beta", "gamma"})
    for (int i = 0; i < 90; ++i) {
      const int kind = i % 3;  // 0 live, 1 replay, 2 print
      if (kind == 2 && std::string(source) == "gamma") continue;
      d.images.push_back({std::string(source) + (kind == 0 ? "/live/" : "/spoof/") + std::to_string(1000 + i) + ".jpg",
                          kind == 0, false, source, kind == 1 ? "replay" : kind == 2 ? "print" : ""});
      LivenessFeatures f;
      const float angle = turn(rng), radius = kind == 2 ? 2.0f : 0.0f;
      f.face = {(kind == 1 ? -1.5f : 1.5f) + 0.5f * noise(rng), radius * std::cos(angle) + 0.3f * noise(rng),
                radius * std::sin(angle) + 0.3f * noise(rng)};
      f.scene = f.face;
      f.scene.push_back(noise(rng));
      d.samples.push_back({true, f, 0.0, {}});
    }
  return d;
}

TEST(LivenessTrainingRun, APrintHeadCatchesPrintsTheSceneHeadCannotAndReportsEachAttackType) {
  const auto d = with_prints();
  const auto without = train_liveness_model(d.images, d.samples, {0.1}, 0.05);
  EXPECT_FALSE(without.model.print);
  LivenessHyperparameters hyper{0.1};
  hyper.print_head = true;
  hyper.print_head_cap = 20;
  const auto with = train_liveness_model(d.images, d.samples, hyper, 0.05);
  ASSERT_TRUE(with.model.print);
  EXPECT_LE(with.model.print->support.size(), 80u) << "at most 20 rows of each (source, class): 40 live, 40 print";
  auto worst = [](const TrainingRun& run, const std::string& attack) {
    for (const auto& w : run.worst_by_attack)
      if (w.attack == attack) return w;
    return WorstByAttack{};
  };
  ASSERT_EQ(with.worst_by_attack.size(), 2u);
  EXPECT_GT(worst(without, "print").apcer, 0.5) << "the linear scene head lets prints through";
  EXPECT_LT(worst(with, "print").apcer, 0.2) << "the print head refuses them, held out";
  EXPECT_LT(worst(with, "replay").eer, 0.1);
  EXPECT_NEAR(with.pooled.bpcer, 0.05, 0.05) << "the threshold still rejects about 5% of the live frames";
  // A frame is scored by the lower of the two heads.
  LivenessFeatures print_frame{{1.5f, 2.0f, 0.0f}, {1.5f, 2.0f, 0.0f, 0.0f}};
  EXPECT_LT(with.model.score(print_frame), with.model.threshold);
  EXPECT_LT(with.model.score(print_frame), with.model.scene.probability(print_frame.scene));
}

TEST(LivenessTrainingRun, WithoutATargetTheThresholdSitsWhereHeldOutApcerAndBpcerMeet) {
  const auto d = synthetic();
  const auto run = train_liveness_model(d.images, d.samples, {0.1}, 0.0);
  double apcer = 0, bpcer = 0;
  for (const auto& s : run.sources) apcer += s.at_threshold.apcer, bpcer += s.at_threshold.bpcer;
  apcer /= static_cast<double>(run.sources.size());
  bpcer /= static_cast<double>(run.sources.size());
  EXPECT_NEAR(apcer, bpcer, 0.03) << "every source weighing the same";
  EXPECT_GT(apcer + bpcer, 0.0) << "the weak source errs both ways";
  EXPECT_NE(run.model.threshold, train_liveness_model(d.images, d.samples, {0.1}, 0.05).model.threshold);
}

TEST(LivenessTrainingRun, IsDeterministic) {
  const auto d = synthetic();
  const auto a = train_liveness_model(d.images, d.samples, {0.1}, 0.05);
  const auto b = train_liveness_model(d.images, d.samples, {0.1}, 0.05);
  EXPECT_EQ(liveness_model_text(a.model), liveness_model_text(b.model));
}

TEST(LivenessTrainingRun, RefusesASingleSource) {
  auto d = synthetic();
  for (auto& image : d.images) image.source = "one";
  EXPECT_THROW(train_liveness_model(d.images, d.samples, {0.1}, 0.05), std::invalid_argument);
}

TEST(LivenessTrainingRun, EachSourceWeighsTheSameInTheThreshold) {
  // Source "big": 100 live scores 0.00..0.99; source "small": 10 scores at 0.9.
  std::vector<double> scores;
  std::vector<std::string> groups;
  for (int i = 0; i < 100; ++i) {
    scores.push_back(i / 100.0);
    groups.push_back("big");
  }
  for (int i = 0; i < 10; ++i) {
    scores.push_back(0.9);
    groups.push_back("small");
  }
  // 10% of the total weight below the threshold: "small" holds half of it,
  // so that is 20% of "big".
  EXPECT_NEAR(balanced_threshold_at_bpcer(scores, groups, 0.10), 0.20, 0.011);
}

TEST(LivenessTrainingRun, TracksAreJudgedOnTheirMedianFrame) {
  std::vector<LivenessImage> images;
  std::vector<LivenessResult> results;
  // One live clip of 10 frames: the first track has one bad frame (median
  // fine), the second three bad frames (median bad). One spoof clip of 5
  // frames with two frames over the threshold (median below).
  const double live_scores[10] = {0.9, 0.1, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.9};
  for (int i = 0; i < 10; ++i) {
    images.push_back({"s/live/f" + std::to_string(i) + ".jpg", true, false, "s"});
    results.push_back({live_scores[i], true, true});
  }
  const double spoof_scores[5] = {0.9, 0.2, 0.9, 0.2, 0.2};
  for (int i = 0; i < 5; ++i) {
    images.push_back({"s/spoof/f" + std::to_string(i) + ".jpg", false, false, "s"});
    results.push_back({spoof_scores[i], false, true});
  }
  const auto t = track_figures(images, results, 0.5);
  EXPECT_EQ(t.live, 2u);
  EXPECT_EQ(t.spoof, 1u);
  EXPECT_DOUBLE_EQ(t.bpcer, 0.5);
  EXPECT_DOUBLE_EQ(t.apcer, 0.0);
}

}  // namespace
}  // namespace portier
