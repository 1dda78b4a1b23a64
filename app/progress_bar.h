#pragma once

#include <cstddef>
#include <string>

namespace portier {

// A one-line progress bar on stderr, redrawn in place when stderr is a
// terminal and silent otherwise (logs and CI output stay clean).
class ProgressBar {
 public:
  ProgressBar(std::string label, size_t total);
  ~ProgressBar();
  void step(const std::string& item);
  // For work whose size is known only once it has begun.
  void step(const std::string& item, size_t total) {
    total_ = total;
    step(item);
  }

 private:
  std::string label_;
  size_t total_;
  size_t done_ = 0;
  bool tty_;
};

}  // namespace portier
