// The decision record: what the access-control domain concludes about one
// visitor, and what it weighs to get there. The pipeline produces these, the
// door acts on them, the backend is told of them; none of that is known here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "access/verification_mode.h"
#include "models/face_types.h"

namespace portier {

using Clock = std::chrono::steady_clock;

// One judged frame of one track: what the policy weighs besides the match.
struct FaceObservation {
  std::uint64_t track_id = 0;
  Embedding embedding{};
  std::optional<double> liveness;  // empty = not scored
  cv::Mat evidence;                // the face as the camera saw it, kept with a spoof event
  Clock::time_point track_started;
};

enum class Verdict {
  Granted,
  DeniedUnknown,
  DeniedSpoof,
  DeniedBackend,
  DeniedDisarmed,
  DeniedOther,
  DeniedCardUnknown,           // no enrolled user holds the card, or its holder is outside their validity
  DeniedWrongFaceForCard,      // card+face: the face is not the card holder's
  DeniedSecondFactorTimeout,   // card+face, face+pin, card+pin: the other credential did not come within auth_timeout
  DeniedLockout,               // too many denied attempts a moment ago: every credential is refused for a while
  DeniedPin,                   // face+pin, card+pin: a wrong PIN, or the user has none
  DeniedSchedule,              // a known user, outside the hours any of their groups may enter
};
// Every verdict, for what lists them all (Home Assistant's event types): a new one goes here too.
inline constexpr Verdict kAllVerdicts[] = {
    Verdict::Granted,           Verdict::DeniedUnknown,         Verdict::DeniedSpoof,
    Verdict::DeniedBackend,     Verdict::DeniedDisarmed,        Verdict::DeniedOther,
    Verdict::DeniedCardUnknown, Verdict::DeniedWrongFaceForCard, Verdict::DeniedSecondFactorTimeout,
    Verdict::DeniedLockout,     Verdict::DeniedPin,             Verdict::DeniedSchedule,
};

// What a visitor presented for one decision. The events list it as
// `credentials` ("card", "face", "pin", in that order; docs/events.md).
struct Presented {
  bool card = false;
  bool face = true;
  bool pin = false;
  bool face_alone() const { return face && !card && !pin; }
  bool operator==(const Presented&) const = default;
};
inline constexpr Presented kCardAlone{.card = true, .face = false};
inline constexpr Presented kCardAndFace{.card = true, .face = true};
inline constexpr Presented kPinAlone{.face = false, .pin = true};

// At most one per track: the policy's conclusion, then the door's action.
struct Decision {
  std::uint64_t track_id = 0;
  Verdict verdict = Verdict::DeniedOther;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user_name;
  std::optional<float> distance;
  int frames_used = 0;
  std::optional<double> liveness;
  // The track had a live verdict (or liveness is off): a backend may grant it.
  bool liveness_passed = false;
  std::string reason;
  Embedding embedding{};  // of the deciding frame: what the backend is asked about
  cv::Mat evidence;       // the face: the spoof event's JPEG, the backend's optional crop
  bool decided_by_backend = false;
  bool offline = false;  // the backend was asked and did not answer: the device decided alone
  Presented presented;  // a face, unless a card or a PIN came
  std::optional<std::string> card;  // the card number, when a card was presented (masked unless configured full)
  VerificationMode mode = VerificationMode::Face;  // the verification mode that applied (the user's own, or the door's)
  // The duress PIN opened the door: a silent alert goes out, the visitor sees an ordinary grant.
  bool duress = false;
  Clock::time_point captured;       // the frame that completed the decision
  Clock::time_point track_started;  // the track's first frame
};

}  // namespace portier
