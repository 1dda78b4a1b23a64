#include "app/user_changes.h"

#include <gtest/gtest.h>

#include "access/gallery.h"
#include "tests/test_support.h"

namespace portier {
namespace {

struct LinsGallery {
  test::TempDir dir;
  Config config;
  LinsGallery() {
    test::write_file(dir / "c.toml", "[gallery]\npath = \"" + (dir / "gallery.db").string() +
                                         "\"\n[access]\ntime_zone = \"Europe/Berlin\"\n");
    config = load_config(dir / "c.toml", ModelCheck::Skip);
    Embedding e{};
    e.fill(0.1f);
    Gallery(config.gallery_path).enroll("lin", {{e, "lin.jpg"}});
  }
  UserChangeResult change(UserChange::Kind kind, std::string value = {}, size_t index = 0) {
    UserChange c;
    c.kind = kind;
    c.value = std::move(value);
    c.index = index;
    return change_user(config, "lin", c);
  }
  ConsoleUser lin() { return console_users(config).users.at(0); }
};

using Kind = UserChange::Kind;

TEST(UserChanges, CardsAreGivenAndTakenBackByWhatThePageShowed) {
  LinsGallery door;
  auto r = door.change(Kind::AddCard, "00ab12cd");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.done, "card ****12CD added") << "upper case, as the reader hands it over; masked";
  EXPECT_NE(r.note.find("no [reader]"), std::string::npos);
  ASSERT_FALSE(door.change(Kind::AddCard, "4400123").error);
  EXPECT_EQ(door.lin().cards, (std::vector<std::string>{"****12CD", "****123"}));
  EXPECT_EQ(Gallery(door.config.gallery_path).cards_of("lin"), (std::vector<std::string>{"00AB12CD", "4400123"}));

  r = door.change(Kind::AddCard, "12 34");
  ASSERT_TRUE(r.error);
  r = door.change(Kind::RemoveCard, "****12CD", 1);
  ASSERT_TRUE(r.error) << "the page listed another card there";
  EXPECT_NE(r.error->find("changed since the page was shown"), std::string::npos);
  r = door.change(Kind::RemoveCard, "****123", 1);
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(Gallery(door.config.gallery_path).cards_of("lin"), (std::vector<std::string>{"00AB12CD"}));
  EXPECT_TRUE(door.change(Kind::RemoveCard, "****123", 5).error);
}

TEST(UserChanges, GroupsModeValidityAndPinByThePortierUsersRules) {
  LinsGallery door;
  auto r = door.change(Kind::AddGroup, "staff");
  ASSERT_FALSE(r.error);
  EXPECT_NE(r.note.find("no access policy is in force"), std::string::npos);
  EXPECT_TRUE(door.change(Kind::AddGroup, "staff").error) << "in it already";
  EXPECT_TRUE(door.change(Kind::AddGroup, "bad group!").error);
  EXPECT_EQ(door.lin().groups, (std::vector<std::string>{"staff"}));
  ASSERT_FALSE(door.change(Kind::RemoveGroup, "staff").error);
  EXPECT_TRUE(door.lin().groups.empty());

  r = door.change(Kind::SetMode, "card+pin");
  ASSERT_FALSE(r.error);
  EXPECT_NE(r.note.find("needs a card, and this door has no [reader]"), std::string::npos) << r.note;
  EXPECT_EQ(door.lin().mode, "card+pin");
  EXPECT_TRUE(door.change(Kind::SetMode, "retina").error);
  ASSERT_FALSE(door.change(Kind::SetMode, "").error);
  EXPECT_EQ(door.lin().mode, "");

  UserChange valid;
  valid.kind = Kind::SetValidity;
  valid.from = "2026-12-01";
  valid.until = "2026-12-24";
  r = change_user(door.config, "lin", valid);
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.done, "valid from 2026-12-01 through 2026-12-24");
  const auto lin = door.lin();
  EXPECT_EQ(lin.valid, "from 2026-12-01 through 2026-12-24");
  EXPECT_EQ(lin.valid_from, "2026-12-01");
  EXPECT_EQ(lin.valid_until, "2026-12-24") << "the form shows the last day, as it was given";
  valid.until = "2026-11-01";
  EXPECT_TRUE(change_user(door.config, "lin", valid).error);
  EXPECT_EQ(door.lin().valid, "from 2026-12-01 through 2026-12-24") << "a refused change changes nothing";

  EXPECT_TRUE(door.change(Kind::SetPin, "12").error) << "a PIN is 4 to 12 digits";
  EXPECT_FALSE(door.lin().pin);
  r = door.change(Kind::SetPin, "482913");
  ASSERT_FALSE(r.error) << *r.error;
  EXPECT_EQ(r.done.find("482913"), std::string::npos);
  EXPECT_TRUE(door.lin().pin);
  ASSERT_FALSE(door.change(Kind::RemovePin).error);
  EXPECT_FALSE(door.lin().pin);
  EXPECT_TRUE(door.change(Kind::RemovePin).error) << "none left";

  UserChange nobody;
  nobody.kind = Kind::AddGroup;
  nobody.value = "staff";
  EXPECT_NE(change_user(door.config, "nobody", nobody).error.value_or("").find("'nobody'"), std::string::npos);
}

}  // namespace
}  // namespace portier
