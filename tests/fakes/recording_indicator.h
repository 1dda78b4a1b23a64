#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "hal/indicator.h"

namespace portier::test {

// The door's LEDs and buzzer, as the act stage drives them.
class RecordingIndicator final : public Indicator {
 public:
  void show(Cue cue) override { add(cue == Cue::Granted ? "granted" : "denied"); }
  void prompt(Prompt awaited, std::chrono::milliseconds up_to) override {
    add(std::string(awaited == Prompt::Card ? "show card" : awaited == Prompt::Face ? "show face" : "type PIN") + " for " + std::to_string(up_to.count()) + " ms");
  }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void add(std::string what) {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(what));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
};

}  // namespace portier::test
