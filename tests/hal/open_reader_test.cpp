#include "hal/open_reader.h"

#include <gtest/gtest.h>

namespace portier {
namespace {

TEST(OpenReader, NoneIsNoReader) {
  auto opened = open_reader(ReaderOptions{}, "pinctrl-bcm2711");
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<CredentialReader>>(opened));
  EXPECT_EQ(std::get<std::unique_ptr<CredentialReader>>(opened), nullptr);
}

TEST(OpenReader, EvdevIsTheKeyboardWedgeOnItsDevice) {
  ReaderOptions options;
  options.type = ReaderType::Evdev;
  options.evdev.device = "/dev/input/by-id/usb-reader-event-kbd";
  auto opened = open_reader(options, "pinctrl-bcm2711");
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<CredentialReader>>(opened));
  const auto& reader = std::get<std::unique_ptr<CredentialReader>>(opened);
  ASSERT_NE(reader, nullptr);
  EXPECT_NE(reader->describe().find("usb-reader-event-kbd"), std::string::npos) << reader->describe();
}

// This machine has no GPIO chip by that label: the reason names the reader
// and the chip, and nothing is opened.
TEST(OpenReader, AWiegandReaderWithoutItsChipSaysWhy) {
  ReaderOptions options;
  options.type = ReaderType::Wiegand;
  auto opened = open_reader(options, "no-such-chip-label");
  ASSERT_TRUE(std::holds_alternative<std::string>(opened));
  const auto& why = std::get<std::string>(opened);
  EXPECT_EQ(why.rfind("reader (wiegand): ", 0), 0u) << why;
  EXPECT_NE(why.find("GPIO chip"), std::string::npos) << why;
}

TEST(OpenReader, EachTypeHasTheConfigsName) {
  EXPECT_STREQ(to_string(ReaderType::None), "none");
  EXPECT_STREQ(to_string(ReaderType::Evdev), "evdev");
  EXPECT_STREQ(to_string(ReaderType::Wiegand), "wiegand");
}

}  // namespace
}  // namespace portier
