#include "console/console_pages.h"
#include "tests/console/test_users.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace portier {
namespace {

TEST(ConsolePages, EveryValueShownIsEscaped) {
  EXPECT_EQ(html_escape(R"(<script>alert("x") & 'y'</script>)"),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;");
  ConsoleStatus s;
  s.device_id = "door<1>";
  AccessEvent e;
  e.result = Verdict::Granted;
  e.user_name = "<img src=x onerror=alert(1)>";
  s.recent.push_back(e);
  const auto page = status_page(s, "ann", "csrf-token");
  EXPECT_EQ(page.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(page.find("door&lt;1&gt;"), std::string::npos);
}

// (post forms, those of them carrying the token)
std::pair<size_t, size_t> post_forms(const std::string& page) {
  size_t forms = 0, tokens = 0;
  for (size_t at = page.find("<form method=\"post\""); at != std::string::npos; at = page.find("<form method=\"post\"", at + 1)) {
    ++forms;
    const auto end = page.find("</form>", at);
    if (page.substr(at, end - at).find(R"(name="csrf" value="tok123")") != std::string::npos) ++tokens;
  }
  return {forms, tokens};
}

TEST(ConsolePages, EveryFormThatChangesSomethingCarriesTheCsrfToken) {
  ConsoleStatus s;
  const auto page = status_page(s, "ann", "tok123");
  auto [forms, tokens] = post_forms(page);
  EXPECT_EQ(forms, 4u) << "log out, arm or disarm, unlock, calibrate";
  EXPECT_EQ(tokens, forms);
  EXPECT_NE(page.find(R"(name="confirm" value="yes" required)"), std::string::npos) << "unlock asks to confirm";

  ConsoleUsers users;
  users.users.push_back(person("ann", "2026-12-01", "", 2, false, {}, {}));
  users.users.push_back(person("bob", "2026-12-01", "", 1, false, {}, {}));
  std::tie(forms, tokens) = post_forms(users_page("door", users, "", "ann", "tok123", ""));
  EXPECT_EQ(forms, 5u) << "log out, remove each of two, enrol from photos, enrol from the camera";
  EXPECT_EQ(tokens, forms);
  ConsoleUser ann = person("ann", "2026-12-01", "", 2, false, {"******1234"}, {"staff"});
  ann.pin = true;
  std::tie(forms, tokens) = post_forms(user_page("door", ann, "ann", "tok123", ""));
  EXPECT_EQ(forms, 9u) << "log out, take the card back, give a card, take out of staff, put in a group, mode, "
                          "validity, set PIN, remove PIN";
  EXPECT_EQ(tokens, forms);
  std::tie(forms, tokens) = post_forms(log_page("door", {}, {}, "ann", "tok123"));
  EXPECT_EQ(forms, 1u) << "log out: the log's filters change nothing and are a GET";
  EXPECT_EQ(tokens, forms);
  std::tie(forms, tokens) = post_forms(live_page("door", "ann", "tok123", 5));
  EXPECT_EQ(tokens, forms);
}

TEST(ConsolePages, TheUsersPageSearchesAnyCaseAndEscapesNames) {
  ConsoleUsers users;
  users.users.push_back(person("Ann <b>", "2026-12-01", "card+pin", 2, false, {"******1234"}, {"staff", "night"}));
  users.users.push_back(person("bob", "2026-12-01", "", 1, true, {}, {}));
  const auto page = users_page("door", users, "ANN", "admin", "tok123", "");
  EXPECT_NE(page.find("Ann &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("Ann <b>"), std::string::npos);
  EXPECT_NE(page.find("staff, night"), std::string::npos);
  EXPECT_EQ(page.find(">bob<"), std::string::npos) << "not found by the search";
  EXPECT_NE(page.find("1 of 2 users"), std::string::npos);
}

TEST(ConsolePages, AUsersPageShowsTheirModeAndValidityAndNeverACardNumberItWasNotGiven) {
  ConsoleUser u = person("Ann <b>", "2026-12-01", "card+pin", 2, false, {"******1234"}, {});
  u.valid = "from 2026-12-01 through 2026-12-24";
  u.valid_from = "2026-12-01";
  u.valid_until = "2026-12-24";
  const auto page = user_page("door", u, "admin", "tok123", "");
  EXPECT_NE(page.find("Ann &lt;b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("Ann <b>"), std::string::npos);
  EXPECT_NE(page.find(R"(<option value="card+pin" selected>)"), std::string::npos) << "the mode in force is chosen";
  EXPECT_NE(page.find(R"(id="valid_from" value="2026-12-01")"), std::string::npos);
  EXPECT_NE(page.find(R"(id="valid_until" value="2026-12-24")"), std::string::npos);
  EXPECT_NE(page.find("from 2026-12-01 through 2026-12-24"), std::string::npos);
  EXPECT_NE(page.find("No PIN."), std::string::npos);
  EXPECT_EQ(page.find("id=\"remove_pin\""), std::string::npos) << "nothing to remove";
}

TEST(ConsolePages, ALookAlikeIsNamedInTheListAndOnTheUsersOwnPage) {
  ConsoleUsers users;
  users.users.push_back(person("ann", "2026-12-01", "", 1, false, {}, {}));
  users.users.back().lookalike = "'<bea>' (0.421): accepted only nearer than 0.349";
  users.users.push_back(person("cat", "2026-12-01", "", 1, false, {}, {}));
  const auto list = users_page("door", users, "", "admin", "tok123", "");
  EXPECT_NE(list.find("<th>looks like</th>"), std::string::npos);
  EXPECT_NE(list.find(R"(<td class="lookalike">&#39;&lt;bea&gt;&#39; (0.421): accepted only nearer than 0.349</td>)"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find(R"(<td class="lookalike"></td>)"), std::string::npos) << "cat has none";
  const auto own = user_page("door", users.users.front(), "admin", "tok123", "");
  EXPECT_NE(own.find("id=\"lookalike\">Looks like &#39;&lt;bea&gt;&#39; (0.421)"), std::string::npos) << own;
  EXPECT_EQ(user_page("door", users.users.back(), "admin", "tok123", "").find("id=\"lookalike\""), std::string::npos);
}

TEST(ConsolePages, TheStatusPageShowsTheLockAndDoctorsChecksWithTheFixOfEachProblem) {
  ConsoleStatus s;
  s.unlocked = true;
  s.checks.push_back({"gallery", "warn", "/var/lib/portier/gallery.db: no users <enrolled>", "portier enroll --name NAME PHOTO..."});
  s.checks.push_back({"clock", "ok", "synchronised", "never shown"});
  const auto page = status_page(s, "ann", "tok");
  EXPECT_NE(page.find(R"(<td id="lock">unlocked</td>)"), std::string::npos);
  EXPECT_NE(page.find("no users &lt;enrolled&gt;"), std::string::npos);
  EXPECT_NE(page.find("fix: portier enroll --name NAME PHOTO..."), std::string::npos);
  EXPECT_EQ(page.find("never shown"), std::string::npos) << "a check that passed needs no fix";
  EXPECT_EQ(status_page(ConsoleStatus{}, "ann", "tok").find("id=\"checks\""), std::string::npos) << "no checks, no section";
  EXPECT_EQ(nlohmann::json::parse(status_json(s))["lock"], "unlocked");
}

TEST(ConsolePages, TheStatusJsonSaysWhatThePageShows) {
  ConsoleStatus s;
  s.face_access_armed = false;
  s.captured = 120;
  s.dropped = 3;
  s.outbox = 7;
  const auto j = nlohmann::json::parse(status_json(s));
  EXPECT_EQ(j["face_access"], "disarmed");
  EXPECT_EQ(j["captured"], 120);
  EXPECT_EQ(j["outbox"], 7);
  EXPECT_EQ(j["door"], "unknown (no contact wired)");
}

}  // namespace
}  // namespace portier
