#include "models/track_score.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(TrackLivenessScore, IsTheMedianSoOneOutlierCannotMoveIt) {
  EXPECT_DOUBLE_EQ(track_liveness_score({0.9, 0.0, 0.9, 0.8, 0.85}), 0.85);
  EXPECT_DOUBLE_EQ(track_liveness_score({0.1, 1.0, 0.2}), 0.2);
  EXPECT_DOUBLE_EQ(track_liveness_score({0.2, 0.6}), 0.4) << "an even count: the mean of the middle two";
  EXPECT_DOUBLE_EQ(track_liveness_score({}), 0.0) << "nothing scored is not live";
}

}  // namespace
}  // namespace portier
