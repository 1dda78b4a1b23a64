#include <gtest/gtest.h>

#include "console/request_origin.h"

namespace portier {
namespace {

TEST(RequestOrigin, TheConsolesOwnOriginPasses) {
  EXPECT_FALSE(foreign_origin("https://door.local:8443", "", "door.local:8443"));
  EXPECT_FALSE(foreign_origin("https://door.local", "", "door.local:443")) << "443 written or not";
  EXPECT_FALSE(foreign_origin("https://door.local:443", "", "door.local"));
  EXPECT_FALSE(foreign_origin("", "https://door.local:8443/users?q=a", "door.local:8443")) << "the Referer, with none";
}

TEST(RequestOrigin, NeitherHeaderIsAScriptAndPasses) { EXPECT_FALSE(foreign_origin("", "", "door.local:8443")); }

TEST(RequestOrigin, AnotherSiteOrSchemeOrPortIsRefused) {
  auto why = foreign_origin("https://evil.example", "", "door.local:8443");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("Origin https://evil.example is not this console's"), std::string::npos) << *why;
  EXPECT_TRUE(foreign_origin("http://door.local:8443", "", "door.local:8443")) << "not over https";
  EXPECT_TRUE(foreign_origin("https://door.local:9443", "", "door.local:8443"));
  EXPECT_TRUE(foreign_origin("https://door.local.evil.example", "", "door.local"));
  EXPECT_TRUE(foreign_origin("", "https://evil.example/door.local:8443", "door.local:8443"));
  EXPECT_TRUE(foreign_origin("null", "", "door.local:8443")) << "an opaque page";
  EXPECT_TRUE(foreign_origin("https://evil.example", "https://door.local:8443/", "door.local:8443"))
      << "Origin, when given, decides";
  EXPECT_TRUE(foreign_origin("https://door.local", "", "")) << "no Host to match";
}

}  // namespace
}  // namespace portier
