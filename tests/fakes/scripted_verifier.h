#pragma once

#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "access/remote_verifier.h"

namespace portier::test {

// The backend's last word, scripted: what it answers and what it was asked.
class ScriptedVerifier final : public RemoteVerifier {
 public:
  explicit ScriptedVerifier(std::variant<RemoteVerdict, std::string> answer) : answer_(std::move(answer)) {}
  std::variant<RemoteVerdict, std::string> verify(const Decision& d) override {
    std::lock_guard lock(mutex_);
    asked_.push_back(d.verdict);
    return answer_;
  }
  std::vector<Verdict> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  std::variant<RemoteVerdict, std::string> answer_;
  mutable std::mutex mutex_;
  std::vector<Verdict> asked_;
};

}  // namespace portier::test
