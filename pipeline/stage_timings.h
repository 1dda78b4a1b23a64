#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace portier {

// The most recent per-item times of one stage, in a fixed window so a service
// that runs for months keeps constant memory. Written by the stage's thread,
// read after it has been joined.
class StageTimings {
 public:
  explicit StageTimings(std::string name, size_t window = 8192) : name_(std::move(name)), window_(window) {}
  void add(double ms) {
    if (samples_.size() < window_) samples_.push_back(ms);
    else samples_[next_++ % window_] = ms;
    ++count_;
  }
  void merge(const StageTimings& other) {
    for (double ms : other.samples_) add(ms);
  }
  const std::string& name() const { return name_; }
  const std::vector<double>& samples() const { return samples_; }
  size_t count() const { return count_; }

 private:
  std::string name_;
  size_t window_;
  std::vector<double> samples_;
  size_t next_ = 0;
  size_t count_ = 0;
};

// Nearest-rank percentile (p in 0..100); 0 for no samples.
double percentile(std::vector<double> samples, double p);

}  // namespace portier
