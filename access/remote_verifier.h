// Seams between the act stage and the backend link, so that the pipeline
// knows nothing of HTTP or MQTT.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "access/decision.h"

namespace portier {

// decision.mode = "backend": the backend has the last word on a recognition
// (POST /api/verify-face). The act stage asks, waits at most the configured
// verify timeout, and keeps the device's own decision when there is no answer.
struct RemoteVerdict {
  bool granted = false;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user_name;
  std::string reason;
};

class RemoteVerifier {
 public:
  virtual ~RemoteVerifier() = default;
  // The backend's verdict, or why there is none (timeout, unreachable, a bad reply).
  virtual std::variant<RemoteVerdict, std::string> verify(const Decision& decision) = 0;
};

// Whether a recognised face opens the door (remote arm / disarm). Disarmed,
// faces are still recognised and reported, but only a remote unlock or the
// exit button opens the door.
class AccessGate {
 public:
  explicit AccessGate(bool armed = true) : armed_(armed) {}
  bool armed() const { return armed_.load(std::memory_order_acquire); }
  void set_armed(bool armed) { armed_.store(armed, std::memory_order_release); }

 private:
  std::atomic<bool> armed_;
};

}  // namespace portier
