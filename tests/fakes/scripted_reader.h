#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hal/credential_reader.h"

namespace portier::test {

// A card reader that hands over its script: each entry at its time after the first read.
class ScriptedReader final : public CredentialReader {
 public:
  struct Step {
    std::chrono::milliseconds at;
    ReaderResult result;
  };
  explicit ScriptedReader(std::vector<Step> steps) : steps_(std::move(steps)) {}
  ReaderResult read(std::chrono::milliseconds timeout) override {
    const auto now = Clock::now();
    if (!started_) started_ = now;
    if (next_ < steps_.size() && now >= *started_ + steps_[next_].at) {
      auto r = steps_[next_++].result;
      if (r.credential) r.credential->at = now;
      return r;
    }
    const auto until = next_ < steps_.size() ? *started_ + steps_[next_].at : now + timeout;
    std::this_thread::sleep_for(std::min<Clock::duration>(timeout, until - now));
    return {};
  }
  std::string describe() const override { return "scripted reader"; }

 private:
  std::vector<Step> steps_;
  size_t next_ = 0;
  std::optional<Clock::time_point> started_;
};

inline ScriptedReader::Step card_at(std::chrono::milliseconds at, const std::string& number) {
  return {at, {Credential{Credential::Kind::Card, number, {}}, {}, {}}};
}

}  // namespace portier::test
