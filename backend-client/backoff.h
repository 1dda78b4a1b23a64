#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace portier {

// Exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff and Jitter"): the wait is uniform in [0, min(cap, base * 2^n)], so
// a fleet of doors that lost the backend together does not return in step.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap) : base_(base), cap_(cap), rng_(std::random_device{}()) {}
  std::chrono::milliseconds next() {
    const auto ceiling = std::min<long long>(cap_.count(), base_.count() << std::min(failures_, 20));
    ++failures_;
    return std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, ceiling)(rng_));
  }
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds base_, cap_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace portier
