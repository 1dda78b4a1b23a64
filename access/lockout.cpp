#include "access/lockout.h"

#include <fmt/format.h>

#include "access/access_event.h"

namespace portier {

bool Lockout::counts(const Decision& d) const {
  switch (d.verdict) {
    case Verdict::DeniedCardUnknown:
    case Verdict::DeniedWrongFaceForCard:
    case Verdict::DeniedPin:
    case Verdict::DeniedSpoof:
      return true;
    case Verdict::DeniedUnknown:
      return options_.unknown_faces;
    default:
      // A grant, a timeout (nobody tried anything), a disarmed door, a track
      // without a consistent identity: not an invalid attempt.
      return false;
  }
}

std::optional<std::string> Lockout::record(const Decision& decision, Clock::time_point now) {
  if (options_.attempts <= 0 || locked(now) || !counts(decision)) return std::nullopt;
  denials_.push_back(now);
  while (!denials_.empty() && now - denials_.front() >= options_.window) denials_.pop_front();
  if (static_cast<int>(denials_.size()) < options_.attempts) return std::nullopt;
  denials_.clear();
  until_ = now + options_.duration;
  return fmt::format("{} denied attempts within {} s (the last: {}): every credential is refused for {} s",
                     options_.attempts, options_.window.count(), to_string(decision.verdict),
                     options_.duration.count());
}

}  // namespace portier
