#include "app/secret_input.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace portier {
namespace {

// Echo off for one line; restored whatever happens, even if reading throws.
class NoEcho {
 public:
  NoEcho() : active_(tcgetattr(STDIN_FILENO, &saved_) == 0) {
    if (!active_) return;
    termios quiet = saved_;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  ~NoEcho() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_;
};

std::optional<std::string> read_line(bool terminal, const std::string& prompt) {
  std::string line;
  if (terminal) {
    std::fprintf(stderr, "%s", prompt.c_str());
    std::fflush(stderr);
    NoEcho quiet;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    std::fprintf(stderr, "\n");
    if (!got) return std::nullopt;
  } else if (!std::getline(std::cin, line)) {
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::optional<std::string> read_secret(const std::string& prompt, std::string& error) {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  auto first = read_line(terminal, prompt + ": ");
  if (!first) {
    error = "nothing was read from " + std::string(terminal ? "the terminal" : "stdin");
    return std::nullopt;
  }
  if (!terminal) return first;
  auto again = read_line(terminal, prompt + " (again): ");
  if (!again || *again != *first) {
    error = "the two entries differ";
    return std::nullopt;
  }
  return first;
}

}  // namespace portier
