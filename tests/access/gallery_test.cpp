#include "access/gallery.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
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

TEST(GalleryCards, ACardOpensForItsHolderAndIsGoneWithThem) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}});
  g.enroll("bob", {{embedding_with(0.9f), "b"}});
  g.add_card("alice", "0012345678");
  g.add_card("alice", "A1B2");
  g.add_card("bob", "77");
  EXPECT_EQ(g.cards_of("alice"), (std::vector<std::string>{"0012345678", "A1B2"}));
  {
    const auto d = g.load_directory();
    ASSERT_EQ(d.cards.size(), 3u);
    ASSERT_TRUE(d.cards.find("77"));
    EXPECT_EQ(d.cards.find("77")->name, "bob");
    EXPECT_EQ(d.faces.size(), 2u);
    EXPECT_EQ(d.cards.find("A1B2")->user_id, d.faces.nearest(embedding_with(0.1f))->user_id);
  }
  EXPECT_TRUE(g.remove_card("alice", "A1B2"));
  EXPECT_FALSE(g.remove_card("alice", "A1B2"));
  EXPECT_FALSE(g.remove_card("alice", "77")) << "bob's card is not alice's to give back";
  EXPECT_TRUE(g.remove("bob"));
  EXPECT_FALSE(g.load_cards().find("77")) << "removing a user takes their cards";
}

TEST(GalleryCards, ADuplicateCardIsRefusedNamingItsHolderAndNothingChanges) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}});
  g.enroll("bob", {{embedding_with(0.9f), "b"}});
  g.add_card("alice", "1234");
  try {
    g.add_card("bob", "1234");
    FAIL() << "a second holder was accepted";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("already belongs to 'alice'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(g.add_card("carol", "999"), GalleryError) << "no such user";
  EXPECT_THROW(g.add_card("alice", "12 34"), GalleryError) << "not a card number";
  EXPECT_THROW(g.add_card("alice", ""), GalleryError);
  EXPECT_EQ(g.load_cards().size(), 1u);
  EXPECT_EQ(g.load_cards().find("1234")->name, "alice");
}

TEST(GalleryCards, ACardCarriesItsHoldersValidity) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  Gallery::Entry e;
  e.name = "temp";
  e.external_id = "x1";
  e.embeddings = {embedding_with(0.3f)};
  e.validity.until = std::chrono::system_clock::now() - std::chrono::hours(1);
  g.replace_all({e}, "sync");
  g.add_card("temp", "5");
  const auto cards = g.load_cards();
  ASSERT_TRUE(cards.find("5"));
  EXPECT_FALSE(cards.find("5")->validity.contains(std::chrono::system_clock::now()));
}

TEST(GalleryReplaceAll, CardsPinsAndGroupsComeWithTheirUsersOrNotAtAll) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("local", {{embedding_with(0.1f), "x.jpg"}});
  g.add_card("local", "99");
  Gallery::Entry ann;
  ann.name = "ann";
  ann.external_id = "u1";
  ann.embeddings = {embedding_with(0.3f)};
  ann.cards = {"1001", "1002"};
  ann.groups = {"staff", "night"};
  ann.pin = PinRecord{hash_pin("2468", minimal_pin_cost()), hash_pin("8642", minimal_pin_cost())};
  Gallery::Entry bo = ann;
  bo.name = "bo";
  bo.external_id = "u2";
  bo.cards = {"2001"};
  bo.groups = {};
  bo.pin.reset();
  EXPECT_EQ(g.replace_all({ann, bo}, "sync"), 2u);
  EXPECT_FALSE(g.load_cards().find("99")) << "the backend owns the users, their cards included";
  EXPECT_EQ(g.cards_of("ann"), (std::vector<std::string>{"1001", "1002"}));
  EXPECT_EQ(g.groups_of("ann"), (std::vector<std::string>{"night", "staff"}));
  const auto dir_now = g.load_directory();
  const auto ann_id = dir_now.cards.find("1001")->user_id;
  EXPECT_EQ(dir_now.pins.check(ann_id, "2468"), PinCheck::Right);
  EXPECT_EQ(dir_now.pins.check(ann_id, "8642"), PinCheck::Duress);
  EXPECT_FALSE(g.pin_status("bo").pin);

  // One bad entry anywhere: nothing changes.
  Gallery::Entry thief = bo;
  thief.name = "cy";
  thief.external_id = "u3";
  thief.cards = {"1001"};
  EXPECT_THROW(g.replace_all({ann, thief}, "sync"), GalleryError);
  Gallery::Entry plain_pin = bo;
  plain_pin.pin = PinRecord{"2468", ""};
  EXPECT_THROW(g.replace_all({plain_pin}, "sync"), GalleryError);
  EXPECT_EQ(g.users().size(), 2u);
  EXPECT_EQ(g.cards_of("bo"), std::vector<std::string>{"2001"});
}

TEST(PinHash, OnlyArgon2idAtACostADoorCanCheck) {
  EXPECT_FALSE(pin_hash_problem(hash_pin("1234", minimal_pin_cost())));
  EXPECT_FALSE(pin_hash_problem(hash_pin("1234")));
  EXPECT_TRUE(pin_hash_problem("1234"));
  EXPECT_TRUE(pin_hash_problem("$2y$10$abcdefghijklmnopqrstuv"));  // bcrypt
  EXPECT_TRUE(pin_hash_problem("$argon2id$v=19$m=16384,t=3,p=1$broken"));
  EXPECT_TRUE(pin_hash_problem("$argon2id$v=19$m=16384,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"));
  EXPECT_TRUE(pin_hash_problem("$argon2id$v=19$m=1048576,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"));
}

TEST(CardNumber, DigitsOrUpperCaseHexUpTo32) {
  EXPECT_FALSE(card_number_problem("0123456789ABCDEF"));
  EXPECT_TRUE(card_number_problem(""));
  EXPECT_TRUE(card_number_problem("abc"));
  EXPECT_TRUE(card_number_problem("12-34"));
  EXPECT_TRUE(card_number_problem(std::string(33, '1')));
}

TEST(GalleryPins, APinIsStoredHashedAndGoesWithItsUser) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}});
  g.enroll("bob", {{embedding_with(0.9f), "b"}});
  EXPECT_FALSE(g.pin_status("alice").pin);
  g.set_pin("alice", "246810", Gallery::PinKind::Usual, minimal_pin_cost());
  g.set_pin("alice", "135799", Gallery::PinKind::Duress, minimal_pin_cost());
  g.set_pin("bob", "1234", Gallery::PinKind::Usual, minimal_pin_cost());
  EXPECT_TRUE(g.pin_status("alice").pin);
  EXPECT_TRUE(g.pin_status("alice").duress);
  EXPECT_FALSE(g.pin_status("bob").duress);
  const auto d = g.load_directory();
  const auto alice = d.faces.nearest(embedding_with(0.1f))->user_id;
  EXPECT_EQ(d.pins.check(alice, "246810"), PinCheck::Right);
  EXPECT_EQ(d.pins.check(alice, "135799"), PinCheck::Duress);
  EXPECT_EQ(d.pins.check(alice, "1234"), PinCheck::Wrong);
  // Changing the PIN replaces it and keeps the duress PIN.
  g.set_pin("alice", "112233", Gallery::PinKind::Usual, minimal_pin_cost());
  EXPECT_EQ(g.load_pins().check(alice, "246810"), PinCheck::Wrong);
  EXPECT_EQ(g.load_pins().check(alice, "112233"), PinCheck::Right);
  EXPECT_EQ(g.load_pins().check(alice, "135799"), PinCheck::Duress);
  // Neither the file nor its write-ahead log holds the digits.
  std::string bytes;
  for (const char* name : {"g.db", "g.db-wal"}) {
    std::ifstream file(dir / name, std::ios::binary);
    bytes.append((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(bytes.find("112233"), std::string::npos);
  EXPECT_NE(bytes.find("$argon2id$"), std::string::npos);
  EXPECT_TRUE(g.remove_pin("bob"));
  EXPECT_FALSE(g.remove_pin("bob"));
  EXPECT_TRUE(g.remove("alice"));
  EXPECT_EQ(g.load_pins().size(), 0u) << "removing a user takes their PINs";
}

TEST(GalleryPins, ABadPinOrDuressPinIsRefusedAndNothingChanges) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}});
  auto refused = [&](const std::string& name, const std::string& pin, Gallery::PinKind kind) {
    try {
      g.set_pin(name, pin, kind, minimal_pin_cost());
    } catch (const GalleryError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused("alice", "9999", Gallery::PinKind::Duress).find("has no PIN yet"), std::string::npos);
  EXPECT_NE(refused("alice", "12", Gallery::PinKind::Usual).find("4 to 12 digits"), std::string::npos);
  EXPECT_NE(refused("nobody", "1234", Gallery::PinKind::Usual).find("no enrolled user is called 'nobody'"),
            std::string::npos);
  g.set_pin("alice", "1234", Gallery::PinKind::Usual, minimal_pin_cost());
  EXPECT_NE(refused("alice", "1234", Gallery::PinKind::Duress).find("must differ"), std::string::npos);
  g.set_pin("alice", "5678", Gallery::PinKind::Duress, minimal_pin_cost());
  EXPECT_NE(refused("alice", "5678", Gallery::PinKind::Usual).find("must differ from the duress PIN"),
            std::string::npos);
  EXPECT_EQ(g.load_pins().check(g.load_index().nearest(embedding_with(0.1f))->user_id, "1234"), PinCheck::Right)
      << "the refused changes left the PIN as it was";
}

TEST(GalleryGroups, AUsersGroupsSurviveReopeningAndGoWithThem) {
  test::TempDir dir;
  {
    Gallery g(dir / "g.db");
    g.enroll("alice", {{embedding_with(0.1f), "a"}});
    g.enroll("bob", {{embedding_with(0.9f), "b"}});
    EXPECT_TRUE(g.add_group("alice", "staff"));
    EXPECT_TRUE(g.add_group("alice", "cleaners"));
    EXPECT_FALSE(g.add_group("alice", "staff")) << "already a member";
    EXPECT_TRUE(g.add_group("bob", "staff"));
  }
  Gallery g(dir / "g.db");
  EXPECT_EQ(g.groups_of("alice"), (std::vector<std::string>{"cleaners", "staff"}));
  const auto d = g.load_directory();
  const auto alice = d.faces.nearest(embedding_with(0.1f))->user_id;
  EXPECT_EQ(d.groups.of(alice), (std::vector<std::string>{"cleaners", "staff"}));
  EXPECT_TRUE(g.remove_group("alice", "cleaners"));
  EXPECT_FALSE(g.remove_group("alice", "cleaners"));
  EXPECT_EQ(g.groups_of("alice"), (std::vector<std::string>{"staff"}));
  ASSERT_TRUE(g.remove("alice"));
  EXPECT_TRUE(g.load_groups().of(alice).empty()) << "removing a user takes their groups";
  EXPECT_EQ(g.groups_of("bob"), (std::vector<std::string>{"staff"}));
}

TEST(GalleryGroups, ABadGroupNameOrUnknownUserIsRefusedNamingIt) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a"}});
  for (const std::string& bad : std::vector<std::string>{"", "night shift", "x;DROP", std::string(65, 'g')}) {
    try {
      g.add_group("alice", bad);
      ADD_FAILURE() << "accepted group '" << bad << "'";
    } catch (const GalleryError& e) {
      EXPECT_NE(std::string(e.what()).find("group name"), std::string::npos) << e.what();
    }
  }
  try {
    g.add_group("zed", "staff");
    ADD_FAILURE() << "a group for nobody";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("'zed'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(g.groups_of("alice").empty());
}

TEST(GalleryModes, AUsersOwnModeSurvivesReopeningAndIsClearedWithNone) {
  test::TempDir dir;
  {
    Gallery g(dir / "g.db");
    g.enroll("alice", {{embedding_with(0.1f), "a"}});
    g.enroll("bob", {{embedding_with(0.9f), "b"}});
    g.set_mode("alice", VerificationMode::CardAndFace);
  }
  Gallery g(dir / "g.db");
  EXPECT_EQ(g.mode_of("alice"), VerificationMode::CardAndFace);
  EXPECT_EQ(g.mode_of("bob"), std::nullopt);
  const auto d = g.load_directory();
  const auto alice = d.faces.nearest(embedding_with(0.1f))->user_id;
  ASSERT_EQ(d.user_modes.size(), 1u);
  EXPECT_EQ(d.user_modes.at(alice), VerificationMode::CardAndFace);
  g.set_mode("alice", std::nullopt);
  EXPECT_TRUE(g.load_modes().empty());
  EXPECT_THROW(g.set_mode("zed", VerificationMode::Card), GalleryError);
}

TEST(GalleryModes, AnOlderGalleryGainsTheColumnAndADamagedModeIsNamed) {
  test::TempDir dir;
  {
    // A gallery from before users carried modes.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "old.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);"
                           "INSERT INTO users(name, created_at) VALUES('alice', '2026-01-01T00:00:00Z');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  {
    Gallery g(dir / "old.db");
    EXPECT_EQ(g.mode_of("alice"), std::nullopt);
    g.set_mode("alice", VerificationMode::FaceAndPin);
    EXPECT_EQ(g.mode_of("alice"), VerificationMode::FaceAndPin);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "old.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE users SET mode = 'face+card'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Gallery g(dir / "old.db");
  try {
    g.load_directory();
    ADD_FAILURE() << "a mode nobody knows was loaded";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("'alice' has an unknown mode 'face+card'"), std::string::npos) << e.what();
  }
}

TEST(GalleryModes, TheBackendsUsersBringTheirModes) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  Gallery::Entry ann{"u1", "ann", {embedding_with(0.1f)}, {}, {}, {}, std::nullopt, VerificationMode::CardAndPin};
  Gallery::Entry bo{"u2", "bo", {embedding_with(0.9f)}, {}, {}, {}, std::nullopt, std::nullopt};
  ASSERT_EQ(g.replace_all({ann, bo}, "sync"), 2u);
  EXPECT_EQ(g.mode_of("ann"), VerificationMode::CardAndPin);
  EXPECT_EQ(g.mode_of("bo"), std::nullopt);
}

TEST(Gallery, AValidityWindowIsKeptListedAndChecked) {
  test::TempDir dir;
  Gallery g(dir / "g.db");
  g.enroll("alice", {{embedding_with(0.1f), "a.jpg"}});
  g.set_mode("alice", VerificationMode::CardAndFace);
  const auto from = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  g.set_validity("alice", Validity{from, from + std::chrono::hours(24)});
  auto users = g.users();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].validity.from, from);
  EXPECT_EQ(users[0].validity.until, from + std::chrono::hours(24));
  EXPECT_EQ(users[0].mode, VerificationMode::CardAndFace) << "the list carries the mode: one query for a page";
  EXPECT_FALSE(g.load_index().nearest(embedding_with(0.1f), from - std::chrono::seconds(1))) << "not yet valid";
  EXPECT_TRUE(g.load_index().nearest(embedding_with(0.1f), from));
  EXPECT_THROW(g.set_validity("alice", Validity{from, from}), GalleryError) << "ends as it begins";
  EXPECT_THROW(g.set_validity("nobody", Validity{}), GalleryError);
  g.set_validity("alice", Validity{});
  users = g.users();
  EXPECT_FALSE(users[0].validity.from);
  EXPECT_FALSE(users[0].validity.until);
}

}  // namespace
}  // namespace portier
