#include "access/gallery.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "tests/test_support.h"

namespace portier {
namespace {

Embedding embedding_with(float value) {
  Embedding e{};
  e.fill(value);
  return e;
}

TEST(Gallery, EnrolmentsSurviveReopening) {
  test::TempDir dir;
  {
    Gallery g(dir / "g.db");
    g.enroll("alice", {{embedding_with(0.1f), "a1.jpg"}, {embedding_with(0.2f), "a2.jpg"}});
    g.enroll("bob", {{embedding_with(0.9f), "b.jpg"}});
  }
  Gallery g(dir / "g.db");
  const auto users = g.users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[0].embeddings, 2);
  EXPECT_EQ(users[1].name, "bob");
  EXPECT_FALSE(users[0].created_at.empty());
  const auto index = g.load_index();
  EXPECT_EQ(index.size(), 3u);
  const auto m = index.nearest(embedding_with(0.85f));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "bob");
  EXPECT_EQ(m->user_id, users[1].id);
}

TEST(Gallery, EnrollingAnExistingNameAddsToThatUser) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  const auto first = g.enroll("alice", {{embedding_with(0.1f), "a1.jpg"}});
  const auto second = g.enroll("alice", {{embedding_with(0.2f), "a2.jpg"}});
  EXPECT_EQ(first, second);
  ASSERT_EQ(g.users().size(), 1u);
  EXPECT_EQ(g.users()[0].embeddings, 2);
}

TEST(Gallery, RemoveDeletesTheUserAndAllTheirEmbeddings) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}, {embedding_with(0.2f), "b"}});
  g.enroll("bob", {{embedding_with(0.9f), "c"}});
  EXPECT_TRUE(g.remove("alice"));
  EXPECT_FALSE(g.remove("alice"));
  EXPECT_EQ(g.users().size(), 1u);
  EXPECT_EQ(g.load_index().size(), 1u);
}

TEST(Gallery, AFailedEnrolmentLeavesNothingBehind) {
  test::TempDir dir;
  const auto file = dir / "g.db";
  { Gallery g(file); }
  // Make the third insert fail inside the transaction, from outside the class.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TRIGGER fail_third BEFORE INSERT ON embeddings WHEN NEW.source = 'bad' "
                         "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  Gallery g(file);
  EXPECT_THROW(g.enroll("alice", {{embedding_with(0.1f), "ok1"}, {embedding_with(0.2f), "ok2"}, {embedding_with(0.3f), "bad"}}),
               GalleryError);
  EXPECT_TRUE(g.users().empty()) << "the user row was rolled back with the embeddings";
  EXPECT_EQ(g.load_index().size(), 0u);
}

TEST(Gallery, AKilledWriterLeavesOnlyWholeEnrolments) {
  test::TempDir dir;
  const auto file = dir / "g.db";
  { Gallery g(file); }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Gallery g(file);
    std::vector<Gallery::Sample> five(5, Gallery::Sample{embedding_with(0.5f), "x"});
    for (int i = 0;; ++i) g.enroll("user" + std::to_string(i), five);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  Gallery g(file);
  const auto users = g.users();
  EXPECT_GT(users.size(), 0u) << "the writer got some work done before it was killed";
  for (const auto& u : users) EXPECT_EQ(u.embeddings, 5) << u.name << " was half-written";
}

TEST(Gallery, NoticesWritesFromAnotherConnection) {
  test::TempDir dir;
  Gallery service(dir / "g.db");
  service.load_index();
  EXPECT_FALSE(service.changed_since_load());
  {
    Gallery enrolment(dir / "g.db");
    enrolment.enroll("alice", {{embedding_with(0.1f), "a"}});
  }
  EXPECT_TRUE(service.changed_since_load());
  EXPECT_EQ(service.load_index().size(), 1u);
  EXPECT_FALSE(service.changed_since_load());
}

TEST(Gallery, AFileThatIsNotADatabaseIsNamedInTheError) {
  test::TempDir dir;
  test::write_file(dir / "junk.db", std::string(4096, 'x'));
  try {
    Gallery g(dir / "junk.db");
    FAIL() << "opened a junk file";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("junk.db"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace portier
