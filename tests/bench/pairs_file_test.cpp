#include "bench/pairs_file.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/test_support.h"

namespace portier {
namespace {

TEST(PairsFile, ReadsPairsAndSkipsCommentsAndBlanks) {
  test::TempDir dir;
  test::write_file(dir / "p.txt", "# header\na.jpg b.jpg 1\n\nc.jpg d.jpg 0\n");
  const auto pairs = read_pairs_file(dir / "p.txt");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].first, "a.jpg");
  EXPECT_TRUE(pairs[0].same);
  EXPECT_FALSE(pairs[1].same);
}

TEST(PairsFile, NamesTheLineOfABadEntry) {
  test::TempDir dir;
  test::write_file(dir / "p.txt", "a.jpg b.jpg 1\na.jpg b.jpg yes\n");
  try {
    read_pairs_file(dir / "p.txt");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("p.txt:2"), std::string::npos) << e.what();
  }
  test::write_file(dir / "q.txt", "a.jpg 1\n");
  EXPECT_THROW(read_pairs_file(dir / "q.txt"), std::invalid_argument);
  test::write_file(dir / "e.txt", "# nothing\n");
  EXPECT_THROW(read_pairs_file(dir / "e.txt"), std::invalid_argument);
}

}  // namespace
}  // namespace portier
