#include "access/sqlite_db.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace portier {
namespace {

struct OwnError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void raise_own(const std::string& message) { throw OwnError(message); }

std::int64_t count_rows(SqliteDb& db) {
  auto s = db.prepare("SELECT COUNT(*) FROM t");
  EXPECT_TRUE(s.next());
  return s.int64(0);
}

TEST(SqliteDb, BindsAndReadsEveryType) {
  test::TempDir dir;
  SqliteDb db(dir.path() / "sub" / "a.db", {.what = "test file"});
  db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)");
  const std::string blob("x\0y", 3);
  db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, std::int64_t{1} << 40)
      .bind(2, 0.25)
      .bind(3, std::string(""))
      .bind_blob(4, blob.data(), blob.size())
      .bind(5, std::optional<std::string>())
      .run();
  EXPECT_EQ(db.changes(), 1);
  EXPECT_EQ(db.last_insert_rowid(), 1);
  auto s = db.prepare("SELECT i, r, s, b, n FROM t");
  ASSERT_TRUE(s.next());
  EXPECT_EQ(s.int64(0), std::int64_t{1} << 40);
  EXPECT_EQ(s.real(1), 0.25);
  EXPECT_FALSE(s.is_null(2)) << "an empty text stays a text, not NULL";
  EXPECT_EQ(s.optional_text(2), std::optional<std::string>(""));
  EXPECT_EQ(s.blob(3), blob);
  EXPECT_TRUE(s.is_null(4));
  EXPECT_EQ(s.optional_text(4), std::nullopt);
  EXPECT_EQ(s.optional_real(4), std::nullopt);
  EXPECT_FALSE(s.next());
}

TEST(SqliteDb, ErrorsNameTheFileInTheCallersType) {
  test::TempDir dir;
  const auto file = dir.path() / "own.db";
  SqliteDb db(file, {.what = "own file", .raise = &raise_own});
  try {
    db.prepare("SELECT 1 FROM nowhere");
    FAIL() << "bad SQL was prepared";
  } catch (const OwnError& e) {
    EXPECT_NE(std::string(e.what()).find("own file " + file.string() + ": "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  auto insert = db.prepare("INSERT INTO t VALUES (?1)");
  insert.bind(1, "a").run();
  insert.reset();
  EXPECT_THROW(insert.bind(1, "a").run(), OwnError) << "a failed step must throw, not pass unseen";
}

TEST(SqliteDb, RefusesAFileThatIsNoDatabase) {
  test::TempDir dir;
  const auto file = dir.path() / "notes.db";
  test::write_file(file, std::string(4096, 'x'));
  try {
    SqliteDb db(file, {.what = "gallery"});
    FAIL() << "a text file was opened as a database";
  } catch (const SqliteError& e) {
    EXPECT_EQ(std::string(e.what()), "gallery " + file.string() + " is not a portier gallery (not a SQLite database)");
  }
}

TEST(SqliteDb, ATransactionRollsBackUnlessCommitted) {
  test::TempDir dir;
  SqliteDb db(dir.path() / "t.db", {});
  db.exec("CREATE TABLE t (k INTEGER)");
  try {
    SqliteTransaction tx(db);
    db.prepare("INSERT INTO t VALUES (1)").run();
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count_rows(db), 0);
  {
    SqliteTransaction tx(db);
    db.prepare("INSERT INTO t VALUES (2)").run();
    tx.commit();
  }
  EXPECT_EQ(count_rows(db), 1);
  // A second connection (another process) sees the committed row.
  SqliteDb other(dir.path() / "t.db", {});
  EXPECT_EQ(count_rows(other), 1);
}

}  // namespace
}  // namespace portier
