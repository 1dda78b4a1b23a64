#include "console/admin_accounts.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_support.h"

namespace portier {
namespace {

TEST(AdminAccounts, APasswordIsKeptHashedAndChecked) {
  test::TempDir dir;
  {
    AdminAccounts accounts(dir / "console.db");
    EXPECT_EQ(accounts.count(), 0u);
    accounts.add("ann", "correct horse battery");
  }
  AdminAccounts accounts(dir / "console.db");
  EXPECT_EQ(accounts.names(), std::vector<std::string>{"ann"});
  EXPECT_TRUE(accounts.check("ann", "correct horse battery"));
  EXPECT_FALSE(accounts.check("ann", "correct horse batterY"));
  EXPECT_FALSE(accounts.check("bob", "correct horse battery"));
  std::ifstream file(dir / "console.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(bytes.find("correct horse battery"), std::string::npos) << "never stored as typed";
  EXPECT_NE(bytes.find("$argon2id$"), std::string::npos);
}

TEST(AdminAccounts, BadNamesShortPasswordsAndTakenNamesAreRefusedNamingWhy) {
  test::TempDir dir;
  AdminAccounts accounts(dir / "console.db");
  accounts.add("ann", "a long enough one");
  auto refusal = [&](const std::string& name, const std::string& password) -> std::string {
    try {
      accounts.add(name, password);
    } catch (const ConsoleError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_NE(refusal("ann", "another long one").find("exists already"), std::string::npos);
  EXPECT_NE(refusal("bo b", "a long enough one").find("admin name"), std::string::npos);
  EXPECT_NE(refusal("bob", "short").find("at least 10 characters"), std::string::npos);
  EXPECT_EQ(accounts.count(), 1u);
}

TEST(AdminAccounts, APasswordChangesAndAnAccountGoes) {
  test::TempDir dir;
  AdminAccounts accounts(dir / "console.db");
  accounts.add("ann", "first password");
  accounts.set_password("ann", "second password");
  EXPECT_FALSE(accounts.check("ann", "first password"));
  EXPECT_TRUE(accounts.check("ann", "second password"));
  EXPECT_THROW(accounts.set_password("zed", "second password"), ConsoleError);
  EXPECT_TRUE(accounts.remove("ann"));
  EXPECT_FALSE(accounts.remove("ann"));
  EXPECT_FALSE(accounts.check("ann", "second password"));
}

}  // namespace
}  // namespace portier
