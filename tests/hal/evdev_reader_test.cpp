#include "hal/evdev_reader.h"

#include <gtest/gtest.h>
#include <linux/input.h>
#include <sys/stat.h>

#include <csignal>

#include <thread>

#include "tests/hal/evdev_records.h"
#include "tests/test_support.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

struct Fifo {
  test::TempDir dir;
  std::filesystem::path path = dir / "reader";
  Fifo() { EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0); }
};

// Reads until a credential or an error comes, or `within` passes.
ReaderResult next(CredentialReader& reader, std::chrono::milliseconds within = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = reader.read(100ms);
    if (r.credential || !r.error.empty()) return r;
  }
  return {};
}

TEST(EvdevKeyMap, DigitsHexAndEnter) {
  EXPECT_EQ(evdev_key_char(KEY_1), '1');
  EXPECT_EQ(evdev_key_char(KEY_0), '0');
  EXPECT_EQ(evdev_key_char(KEY_KP7), '7');
  EXPECT_EQ(evdev_key_char(KEY_C), 'C');
  EXPECT_EQ(evdev_key_char(KEY_ENTER), '\n');
  EXPECT_EQ(evdev_key_char(KEY_KPENTER), '\n');
  EXPECT_EQ(evdev_key_char(KEY_X), 0);
  EXPECT_EQ(evdev_key_char(KEY_LEFTSHIFT), 0);
}

TEST(EvdevReader, ACardTypedThroughAFifoArrivesAsOneCredential) {
  Fifo fifo;
  auto reader = make_evdev_reader({fifo.path});
  std::thread writer([&] { EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("0012345678\n"))); });
  const auto r = next(*reader);
  writer.join();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->kind, Credential::Kind::Card);
  EXPECT_EQ(r.credential->value, "0012345678");
}

TEST(EvdevReader, TwoCardsInOneWriteAndAFifoReopenedForTheNextWriter) {
  Fifo fifo;
  auto reader = make_evdev_reader({fifo.path});
  std::thread writer([&] {
    EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("111\n222\n")));
    EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("333\n")));  // a second writer after the first closed
  });
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i)
    if (auto r = next(*reader); r.credential) got.push_back(r.credential->value);
  writer.join();
  EXPECT_EQ(got, (std::vector<std::string>{"111", "222", "333"}));
}

TEST(EvdevReader, WritersOneAfterAnotherLoseNothing) {
  // Each card by its own writer, opened as soon as the last one closed: none
  // may be dropped or refused in the moment the reader sees a writer leave.
  ::signal(SIGPIPE, SIG_IGN);  // a refused write must fail the test, not end it
  Fifo fifo;
  auto reader = make_evdev_reader({fifo.path});
  constexpr int kCards = 3000;
  int written = 0;
  std::thread writer([&] {
    for (int i = 0; i < kCards; ++i) written += test::write_fifo(fifo.path, test::key_records(std::to_string(1000 + i) + "\n"));
  });
  std::vector<std::string> got;
  while (got.size() < kCards)
    if (auto r = next(*reader, 2000ms); r.credential) got.push_back(r.credential->value); else break;
  writer.join();
  EXPECT_EQ(written, kCards);
  ASSERT_EQ(got.size(), size_t{kCards});
  for (int i = 0; i < kCards; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], std::to_string(1000 + i));
}

TEST(EvdevReader, KeepsTheLastDigitsAndReadsHex) {
  Fifo fifo;
  EvdevReaderOptions options{fifo.path};
  options.hex = true;
  options.keep_digits = 6;
  auto reader = make_evdev_reader(options);
  std::thread writer([&] { EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("0004A1B2C3\n"))); });
  const auto r = next(*reader);
  writer.join();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->value, "A1B2C3");
}

TEST(EvdevReader, AnEntryWithAForeignKeyIsDroppedAndTheNextOneCounts) {
  Fifo fifo;
  auto reader = make_evdev_reader({fifo.path});  // decimal: 'A' and 'x' do not belong in a card number
  std::thread writer([&] { EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("12A4\n12x4\n\n5678\n"))); });
  const auto r = next(*reader);
  writer.join();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->value, "5678");
}

TEST(EvdevReader, AKeypadDeliversPins) {
  Fifo fifo;
  EvdevReaderOptions options{fifo.path};
  options.delivers = Credential::Kind::Pin;
  options.hex = true;  // ignored for a keypad: PINs are digits
  auto reader = make_evdev_reader(options);
  std::thread writer([&] { EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("12B4\n9876\n"))); });
  const auto r = next(*reader);
  writer.join();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->kind, Credential::Kind::Pin);
  EXPECT_EQ(r.credential->value, "9876");
}

TEST(EvdevReader, AFragmentWithoutEnterExpires) {
  Fifo fifo;
  EvdevReaderOptions options{fifo.path};
  options.entry_timeout = 200ms;
  auto reader = make_evdev_reader(options);
  std::thread writer([&] {
    EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("999")));
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(test::write_fifo(fifo.path, test::key_records("42\n")));
  });
  const auto r = next(*reader);
  writer.join();
  ASSERT_TRUE(r.credential) << r.error;
  EXPECT_EQ(r.credential->value, "42");  // not "99942"
}

TEST(EvdevReader, AMissingDeviceIsAnErrorNamingItAndIsReopenedOnceThere) {
  test::TempDir dir;
  const auto path = dir / "not-yet";
  auto reader = make_evdev_reader({path});
  const auto r = reader->read(50ms);
  EXPECT_FALSE(r.credential);
  EXPECT_NE(r.error.find(path.string()), std::string::npos) << r.error;
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::thread writer([&] { EXPECT_TRUE(test::write_fifo(path, test::key_records("7\n"))); });
  const auto again = next(*reader);
  writer.join();
  ASSERT_TRUE(again.credential) << again.error;
  EXPECT_EQ(again.credential->value, "7");
}

TEST(EvdevReader, NothingTypedIsATimeoutNotAnError) {
  Fifo fifo;
  auto reader = make_evdev_reader({fifo.path});
  const auto start = std::chrono::steady_clock::now();
  const auto r = reader->read(100ms);
  EXPECT_FALSE(r.credential);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 90ms);
}

}  // namespace
}  // namespace portier
