// What a keyboard-wedge reader sends, as struct input_event records: for the
// evdev reader's tests, and for feeding a running portier through a FIFO.
#pragma once

#include <fcntl.h>
#include <linux/input.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace portier::test {

inline unsigned short key_code_of(char c) {
  static const unsigned short digits[] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
  static const unsigned short hex[] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F};
  if (c >= '0' && c <= '9') return digits[c - '0'];
  if (c >= 'A' && c <= 'F') return hex[c - 'A'];
  if (c == '\n') return KEY_ENTER;
  if (c == 'x') return KEY_X;
  return KEY_SPACE;
}

// Press, release and SYN_REPORT per character, as a real reader reports them.
inline std::string key_records(const std::string& typed) {
  std::string out;
  auto add = [&](unsigned short type, unsigned short code, int value) {
    input_event ev{};
    ev.type = type;
    ev.code = code;
    ev.value = value;
    out.append(reinterpret_cast<const char*>(&ev), sizeof ev);
  };
  for (char c : typed) {
    add(EV_MSC, MSC_SCAN, 0x70000);
    add(EV_KEY, key_code_of(c), 1);
    add(EV_SYN, SYN_REPORT, 0);
    add(EV_KEY, key_code_of(c), 0);
    add(EV_SYN, SYN_REPORT, 0);
  }
  return out;
}

// Opens the FIFO for writing (blocking until a reader has it open), writes, closes.
inline bool write_fifo(const std::filesystem::path& fifo, const std::string& bytes) {
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  return ok;
}

}  // namespace portier::test
