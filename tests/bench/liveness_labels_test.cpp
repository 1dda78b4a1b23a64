#include "bench/liveness_labels.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace portier {
namespace {

TEST(LivenessLabels, ReadsPathAndLabelWhateverElseTheFileHolds) {
  test::TempDir dir;
  test::write_file(dir / "l.csv", "path,label,attack_type\r\na/1.jpg,live,none\r\nb/2.png,spoof,print\r\n\r\n");
  const auto images = read_liveness_labels(dir / "l.csv");
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].path, "a/1.jpg");
  EXPECT_TRUE(images[0].live);
  EXPECT_FALSE(images[1].live);
}

TEST(LivenessLabels, ColumnsMayComeInAnyOrder) {
  test::TempDir dir;
  test::write_file(dir / "l.csv", "label,source,path\nspoof,x,c.jpg\n");
  const auto images = read_liveness_labels(dir / "l.csv");
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].path, "c.jpg");
}

std::string error_of(const std::string& text) {
  test::TempDir dir;
  test::write_file(dir / "l.csv", text);
  try {
    read_liveness_labels(dir / "l.csv");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LivenessLabels, NamesTheLineOfABadRow) {
  EXPECT_NE(error_of("path,label\na.jpg,live\nb.jpg,fake\n").find(":3: label must be 'live' or 'spoof', got 'fake'"),
            std::string::npos);
  EXPECT_NE(error_of("file,class\na.jpg,live\n").find(":1: the header must name"), std::string::npos);
  EXPECT_NE(error_of("path,label\n").find("lists no images"), std::string::npos);
  EXPECT_NE(error_of("path,label,x\na.jpg\n").find(":2: too few columns"), std::string::npos);
  EXPECT_THROW(read_liveness_labels("/nonexistent/labels.csv"), std::invalid_argument);
}

TEST(LivenessLabels, TheCaptureSourceIsTheSourceSetWholeWithItsAttackTypes) {
  test::TempDir dir;
  test::write_file(dir / "l.csv",
                   "path,label,attack_type,source_set\n"
                   "nuaa/live/0001/0001_00_00_01_12.jpg,live,none,nuaa\n"
                   "nuaa/spoof/0001/0001_00_00_02_3.jpg,spoof,print,nuaa\n"
                   "extra/cam7/a.jpg,spoof,replay,cam7\n");
  const auto images = read_liveness_labels(dir / "l.csv");
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[2].source, "cam7");
  EXPECT_EQ(capture_source(images[0]), "nuaa") << "both NUAA sessions: one room, one webcam, one set of people";
  EXPECT_EQ(capture_source(images[1]), "nuaa");
  EXPECT_EQ(capture_source(images[2]), "cam7");
  EXPECT_EQ(images[1].attack, "print");
  EXPECT_EQ(images[2].attack, "replay");
  EXPECT_EQ(capture_source({"replay_crops/live/a.png", true, "", ""}), "replay_crops") << "without a source_set: the folder";
}

}  // namespace
}  // namespace portier
