#include "console/console_pages.h"

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

TEST(ConsolePages, EveryFormThatChangesSomethingCarriesTheCsrfToken) {
  ConsoleStatus s;
  const auto page = status_page(s, "ann", "tok123");
  size_t forms = 0, tokens = 0;
  for (size_t at = page.find("<form method=\"post\""); at != std::string::npos; at = page.find("<form method=\"post\"", at + 1)) {
    ++forms;
    const auto end = page.find("</form>", at);
    if (page.substr(at, end - at).find(R"(name="csrf" value="tok123")") != std::string::npos) ++tokens;
  }
  EXPECT_EQ(forms, 3u) << "log out, arm or disarm, unlock";
  EXPECT_EQ(tokens, forms);
  EXPECT_NE(page.find(R"(name="confirm" value="yes" required)"), std::string::npos) << "unlock asks to confirm";
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
