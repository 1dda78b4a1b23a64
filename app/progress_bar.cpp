#include "app/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace portier {

ProgressBar::ProgressBar(std::string label, size_t total)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (tty_ && done_ > 0) std::fputc('\n', stderr);
}

void ProgressBar::step(const std::string& item) {
  ++done_;
  if (!tty_ || total_ == 0) return;
  constexpr size_t kWidth = 30;
  const size_t filled = kWidth * done_ / total_;
  std::string bar(filled, '#');
  bar.resize(kWidth, '-');
  std::string name = item.size() > 40 ? "..." + item.substr(item.size() - 37) : item;
  std::fprintf(stderr, "\r\033[K%s [%s] %zu/%zu %s", label_.c_str(), bar.c_str(), done_, total_, name.c_str());
  std::fflush(stderr);
}

}  // namespace portier
