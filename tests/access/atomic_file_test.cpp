#include "access/atomic_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/test_support.h"

namespace portier {
namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFile, WritesTheBytesAndMakesTheFolder) {
  test::TempDir dir;
  const auto file = dir.path() / "a" / "b" / "state";
  ASSERT_FALSE(write_file_atomically(file, std::string("x\0y", 3)));
  EXPECT_EQ(read_all(file), std::string("x\0y", 3));
  ASSERT_FALSE(write_file_atomically(file, "second"));
  EXPECT_EQ(read_all(file), "second");
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
}

TEST(AtomicFile, AFailureLeavesTheOldFileAndSaysWhere) {
  test::TempDir dir;
  const auto file = dir.path() / "state";
  ASSERT_FALSE(write_file_atomically(file, "old"));
  // A folder where the temporary file must go: the write cannot happen.
  std::filesystem::create_directory(file.string() + ".tmp");
  const auto why = write_file_atomically(file, "new");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("state.tmp"), std::string::npos) << *why;
  EXPECT_EQ(read_all(file), "old");
}

}  // namespace
}  // namespace portier
