// The door's access log in a real SQLite file: newest first, filtered and
// paged; faces kept with their event and rotated out oldest first under the
// cap; events past their cap dropped oldest first; what a reopened or a
// damaged file gives.
#include "access/access_log.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace portier {
namespace {

AccessEvent event(int n, Verdict result, const std::string& user, const std::string& time = "2026-12-05T10:00:00.000Z") {
  AccessEvent e;
  e.id = "id-" + std::to_string(n);
  e.time = time;
  e.result = result;
  if (!user.empty()) e.user_name = user;
  e.distance = 0.3f;
  e.liveness_score = 0.9;
  e.reason = "because " + std::to_string(n);
  return e;
}

std::unique_ptr<AccessLog> open_log(const std::filesystem::path& file, AccessLogOptions o = {}) {
  auto opened = AccessLog::open(file, std::move(o));
  if (auto* why = std::get_if<std::string>(&opened)) {
    ADD_FAILURE() << *why;
    return nullptr;
  }
  return std::move(std::get<std::unique_ptr<AccessLog>>(opened));
}

std::vector<std::string> ids(const AccessLogPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.entries) out.push_back(e.id);
  return out;
}

TEST(AccessLog, NewestFirstFilteredByUserResultAndDayAndPaged) {
  test::TempDir dir;
  auto log = open_log(dir / "access-log.db");
  ASSERT_TRUE(log);
  ASSERT_FALSE(log->append(event(1, Verdict::Granted, "ann", "2026-12-04T23:59:00.000Z")));
  ASSERT_FALSE(log->append(event(2, Verdict::DeniedUnknown, "")));
  ASSERT_FALSE(log->append(event(3, Verdict::Granted, "bob")));
  ASSERT_FALSE(log->append(event(4, Verdict::DeniedSpoof, "ann")));
  ASSERT_FALSE(log->append(event(5, Verdict::Granted, "ann")));

  EXPECT_EQ(ids(log->query({})), (std::vector<std::string>{"id-5", "id-4", "id-3", "id-2", "id-1"}));
  AccessLogQuery ann;
  ann.user = "ann";
  EXPECT_EQ(ids(log->query(ann)), (std::vector<std::string>{"id-5", "id-4", "id-1"}));
  ann.result = Verdict::Granted;
  EXPECT_EQ(ids(log->query(ann)), (std::vector<std::string>{"id-5", "id-1"}));
  ann.day = "2026-12-05";  // UTC days: no local clock given
  EXPECT_EQ(ids(log->query(ann)), (std::vector<std::string>{"id-5"}));

  AccessLogQuery paged;
  paged.limit = 2;
  auto first = log->query(paged);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"id-5", "id-4"}));
  EXPECT_TRUE(first.more);
  paged.before = first.entries.back().seq;
  auto second = log->query(paged);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"id-3", "id-2"}));
  paged.before = second.entries.back().seq;
  auto last = log->query(paged);
  EXPECT_EQ(ids(last), (std::vector<std::string>{"id-1"}));
  EXPECT_FALSE(last.more);

  const auto newest = log->query({});
  const auto& e = newest.entries.front();
  EXPECT_EQ(e.result, "granted");
  EXPECT_EQ(e.user, "ann");
  EXPECT_EQ(e.credentials, "face");
  EXPECT_EQ(e.local_time, "2026-12-05 10:00:00");
  ASSERT_TRUE(e.distance);
  EXPECT_NEAR(*e.distance, 0.3, 1e-6);
  EXPECT_EQ(e.reason, "because 5");
}

TEST(AccessLog, TheDoorsLocalTimeFilesEachEvent) {
  test::TempDir dir;
  AccessLogOptions o;
  o.local_time = [] { return std::string("2026-12-06 00:30:00"); };  // UTC+1 half an hour past midnight
  auto log = open_log(dir / "access-log.db", o);
  ASSERT_TRUE(log);
  ASSERT_FALSE(log->append(event(1, Verdict::Granted, "ann", "2026-12-05T23:30:00.000Z")));
  AccessLogQuery q;
  q.day = "2026-12-06";
  ASSERT_EQ(ids(log->query(q)), std::vector<std::string>{"id-1"});
  EXPECT_EQ(log->query(q).entries[0].local_time, "2026-12-06 00:30:00");
  q.day = "2026-12-05";
  EXPECT_TRUE(log->query(q).entries.empty());
}

TEST(AccessLog, FacesGoWithTheirEventAndTheOldestGoFirstUnderTheCap) {
  test::TempDir dir;
  AccessLogOptions o;
  o.max_face_bytes = 2500;
  auto log = open_log(dir / "access-log.db", o);
  ASSERT_TRUE(log);
  for (int n = 1; n <= 4; ++n)
    ASSERT_FALSE(log->append(event(n, Verdict::Granted, "ann"), std::string(1000, static_cast<char>('0' + n))));
  ASSERT_FALSE(log->append(event(5, Verdict::DeniedUnknown, "")));  // no face: nothing to keep
  EXPECT_EQ(log->face_bytes(), 2000);
  EXPECT_FALSE(log->face("id-1"));
  EXPECT_FALSE(log->face("id-2"));
  EXPECT_EQ(log->face("id-3"), std::string(1000, '3'));
  EXPECT_EQ(log->face("id-4"), std::string(1000, '4'));
  EXPECT_FALSE(log->face("id-5"));
  EXPECT_FALSE(log->face("no-such-id"));
  // The events themselves stay; only their pictures went.
  const auto page = log->query({});
  ASSERT_EQ(page.entries.size(), 5u);
  EXPECT_FALSE(page.entries[0].has_face);
  EXPECT_TRUE(page.entries[1].has_face);
  EXPECT_FALSE(page.entries[4].has_face);
  // A face larger than the whole cap is not kept, and pushes nothing out.
  ASSERT_FALSE(log->append(event(6, Verdict::Granted, "ann"), std::string(3000, 'x')));
  EXPECT_FALSE(log->face("id-6"));
  EXPECT_TRUE(log->face("id-4"));
}

TEST(AccessLog, EventsPastTheirCapGoOldestFirstWithTheirFaces) {
  test::TempDir dir;
  AccessLogOptions o;
  o.max_events = 3;
  auto log = open_log(dir / "access-log.db", o);
  ASSERT_TRUE(log);
  for (int n = 1; n <= 5; ++n) ASSERT_FALSE(log->append(event(n, Verdict::Granted, "ann"), "jpeg"));
  EXPECT_EQ(ids(log->query({})), (std::vector<std::string>{"id-5", "id-4", "id-3"}));
  EXPECT_FALSE(log->face("id-2"));
  EXPECT_EQ(log->face_bytes(), 12);
}

TEST(AccessLog, AReopenedLogKeepsItsFacesAndASmallerCapAppliesAtOnce) {
  test::TempDir dir;
  {
    auto log = open_log(dir / "access-log.db");
    ASSERT_TRUE(log);
    for (int n = 1; n <= 3; ++n) ASSERT_FALSE(log->append(event(n, Verdict::Granted, "ann"), std::string(100, 'f')));
  }
  {
    auto log = open_log(dir / "access-log.db");
    ASSERT_TRUE(log);
    EXPECT_EQ(log->face_bytes(), 300);
    EXPECT_EQ(log->query({}).entries.size(), 3u);
  }
  AccessLogOptions none;
  none.max_face_bytes = 0;  // keep_faces = false: the pictures already kept go too
  auto log = open_log(dir / "access-log.db", none);
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->keeps_faces());
  EXPECT_EQ(log->face_bytes(), 0);
  EXPECT_FALSE(log->face("id-3"));
  ASSERT_FALSE(log->append(event(4, Verdict::Granted, "ann"), "jpeg"));
  EXPECT_FALSE(log->face("id-4"));
  EXPECT_EQ(log->query({}).entries.size(), 4u);
}

TEST(AccessLog, ADamagedFileIsRefusedNamingIt) {
  test::TempDir dir;
  test::write_file(dir / "access-log.db", std::string(4096, 'x'));
  auto opened = AccessLog::open(dir / "access-log.db", {});
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  EXPECT_NE(std::get<std::string>(opened).find("access-log.db"), std::string::npos) << std::get<std::string>(opened);
}

TEST(AccessLog, AFilterIsAValueNeverSql) {
  test::TempDir dir;
  auto log = open_log(dir / "access-log.db");
  ASSERT_TRUE(log);
  ASSERT_FALSE(log->append(event(1, Verdict::Granted, "ann")));
  AccessLogQuery q;
  q.user = "x' OR '1'='1";
  EXPECT_TRUE(log->query(q).entries.empty());
  EXPECT_EQ(log->query({}).entries.size(), 1u);
}

}  // namespace
}  // namespace portier
