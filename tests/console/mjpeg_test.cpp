#include "console/mjpeg.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(Mjpeg, APartIsTheBoundaryItsHeadersAndExactlyTheJpeg) {
  const std::string jpeg("\xff\xd8\x00\r\n--portierframe\r\n\xff\xd9", 22);  // a boundary inside the image is harmless
  const std::string part = mjpeg_part(jpeg);
  const std::string head = "--portierframe\r\nContent-Type: image/jpeg\r\nContent-Length: 22\r\n\r\n";
  ASSERT_EQ(part.substr(0, head.size()), head);
  EXPECT_EQ(part.substr(head.size(), 22), jpeg);
  EXPECT_EQ(part.substr(head.size() + 22), "\r\n");
  EXPECT_EQ(std::string(kMjpegContentType), std::string("multipart/x-mixed-replace; boundary=") + kMjpegBoundary);
}

}  // namespace
}  // namespace portier
