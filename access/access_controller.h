// Combines what the visitor presents (face decisions from the pipeline,
// cards from a reader) into the decisions the door acts on, by the door's
// verification mode. Pure: time is passed in, nothing is driven from here.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <optional>
#include <unordered_map>
#include <vector>

#include "access/access_policy.h"
#include "access/scheduled_unlock.h"
#include "access/card_directory.h"
#include "access/decision.h"
#include "access/lockout.h"
#include "access/verification_mode.h"
#include "hal/credential_reader.h"

namespace portier {

struct AccessControllerOptions {
  VerificationMode mode = VerificationMode::Face;
  // card+face: how long the first credential waits for the second.
  std::chrono::milliseconds auth_timeout{10000};
  // card+face: the 1:1 distance under which the face is the card holder's,
  // for a holder with that many embeddings (the acceptance rule with N = the
  // holder's embeddings). Empty: card_face_fixed_threshold.
  std::function<float(size_t embeddings)> card_face_threshold;
  float card_face_fixed_threshold = 0.55f;
  // Decisions carry the card for the events: its last 4 digits only (the
  // rest as '*'), unless the installer asks for full numbers.
  bool full_card_numbers = false;
  LockoutOptions lockout;
  // Schedules (access/access_policy.h): the door's mode by the time of day
  // (`mode` when no rule holds and the policy names none), and when each
  // group's members may enter. Null: `mode` at all hours, nobody restricted.
  std::shared_ptr<const AccessPolicy> policy;
  // The door's civil time now (access/local_clock.h); required with a policy.
  std::function<LocalTime()> local_now;
};

// A user may carry a stricter mode of their own (AccessDirectory::user_modes):
// where it asks for more than the door's, their face or card starts that
// mode's wait instead of opening (a card+face user's face at a face door waits
// for their card), and a credential their mode does not take is refused
// naming what they must present.
// In card+face the card names the claimed user and the face is checked 1:1
// against that user only: a face that matches somebody else is a denial for
// the card, never a grant for the other person. In face+pin and card+pin the
// face or the card names the user and the PIN is checked against theirs only.
// Either credential may come first; each waits auth_timeout for the other,
// then expires as a denial. Three wrong PINs in a row block that user's PIN
// entry (and so their cards in card+pin) for the lockout's duration.
class AccessController {
 public:
  AccessController(AccessControllerOptions options, AccessDirectory directory);

  // Each returns the decisions to act on now, oldest first.
  std::vector<Decision> on_face(Decision face, Clock::time_point now);
  std::vector<Decision> on_credential(const Credential& credential, Clock::time_point now);
  std::vector<Decision> expire(Clock::time_point now);  // what waited longer than auth_timeout
  std::vector<Decision> flush();                        // the run ends: everything waiting expires

  // A directory that carries a policy (the backend's) replaces the policy in force.
  void set_directory(AccessDirectory directory);
  const AccessControllerOptions& options() const { return options_; }
  // The mode in force (the policy's schedule may change it with the time).
  VerificationMode mode() const { return mode_; }
  // A new access policy applies (from the backend), for the log, once.
  std::optional<std::string> take_policy_notice() { return std::exchange(policy_notice_, std::nullopt); }
  // The schedule has just changed the door's mode, for the log, once.
  std::optional<std::string> take_mode_notice() { return std::exchange(mode_notice_, std::nullopt); }
  // A card waits for a face: the pipeline should judge the faces in view
  // afresh (a visitor decided before the card was shown is still there).
  bool take_fresh_faces_request() { return std::exchange(fresh_faces_requested_, false); }
  // What has just begun to wait for its second factor, for the log ("face of
  // 'x' waits up to 10 s for a card"): an installer sees why nothing opened yet.
  std::optional<std::string> take_wait_notice() { return std::exchange(wait_notice_, std::nullopt); }
  // The detail of a `lockout` alert, once, when a denial has just locked the door.
  std::optional<std::string> take_lockout_alert() { return std::exchange(lockout_alert_, std::nullopt); }
  // While the policy keeps the door unlocked (door.unlocked): how much longer,
  // and why; as of the last call above.
  const std::optional<ScheduledUnlock::Window>& unlock_window() const { return unlock_window_; }
  // The unlocked window has just begun or ended, for the log and an alert, once.
  std::optional<std::string> take_unlock_notice() { return unlock_.take_notice(); }
  // The detail of a `duress` alert is on the decision (Decision::duress).
  enum class Awaiting { Nothing, Face, Card, Pin };
  Awaiting awaiting() const;

 private:
  struct PendingCard {
    std::string card;
    CardHolder holder;
    Clock::time_point at;
    VerificationMode mode;  // card+face: waits for a face; card+pin: for a PIN
  };
  struct PendingFace {
    Decision face;
    Clock::time_point at;
    VerificationMode mode;  // card+face: waits for a card; face+pin: for a PIN
  };
  struct PendingPin {
    std::string pin;
    Clock::time_point at;
  };
  struct PinFailures {
    int in_a_row = 0;
    std::optional<Clock::time_point> blocked_until;
  };
  Decision card_decision(const Credential& credential, const CardHolder* holder) const;
  // The mode a user's credentials are judged by: their own where it is stricter than the door's.
  VerificationMode mode_for(std::int64_t user_id) const;
  bool faces_wait_for(VerificationMode mode) const;
  // The waiting card, refused because another card came before its second factor.
  Decision superseded_card() const;
  std::optional<std::string> holder_problem(const CardHolder* holder) const;
  Decision resolve(const PendingCard& card, Decision face) const;
  float threshold_for(std::int64_t user_id) const;
  std::vector<Decision> card_and_face(const Credential& credential, Clock::time_point now);
  std::vector<Decision> face_and_pin(Decision face, Clock::time_point now);
  std::vector<Decision> card_and_pin(const Credential& credential, Clock::time_point now);
  std::vector<Decision> pin_entered(const Credential& pin, Clock::time_point now);
  // Checks `pin` against the user `d` names and turns `d` into the outcome.
  void check_pin(Decision& d, const std::string& pin, Clock::time_point now);
  void wait_for_pin(std::string what);
  double timeout_s() const { return std::chrono::duration<double>(options_.auth_timeout).count(); }
  std::vector<Decision> face_unstamped(Decision face, Clock::time_point now);
  std::vector<Decision> credential_unstamped(const Credential& credential, Clock::time_point now);
  std::vector<Decision> expire_unstamped(Clock::time_point now);
  // Every decision leaving: refused while locked out (and counted towards a
  // lockout), the mode that applied, the card masked.
  std::vector<Decision> stamped(std::vector<Decision> decisions, Clock::time_point now);
  // Follows the policy's schedule; what waited under the previous mode expires.
  std::vector<Decision> follow_schedule(Clock::time_point now);
  // A grant to a user whose groups' profiles do not hold now becomes denied_schedule.
  void apply_schedule(Decision& d, const std::optional<LocalTime>& local) const;
  // Where the door's unlocked window stands now.
  void refresh_unlock();
  void adopt_policy(std::shared_ptr<const AccessPolicy> policy);

  AccessControllerOptions options_;
  VerificationMode mode_;
  std::optional<std::string> mode_notice_;
  AccessDirectory directory_;
  std::optional<PendingCard> card_;
  std::deque<PendingFace> faces_;  // at most one per track, oldest first
  std::optional<PendingPin> pin_;  // a PIN typed before its face or card
  std::unordered_map<std::int64_t, PinFailures> pin_failures_;  // by user
  bool fresh_faces_requested_ = false;
  std::optional<std::string> wait_notice_;
  Lockout lockout_;
  std::optional<std::string> lockout_alert_;
  ScheduledUnlock unlock_;
  std::optional<std::string> policy_notice_;
  std::string adopted_etag_;  // of the backend's policy in force
  std::optional<ScheduledUnlock::Window> unlock_window_;
};

}  // namespace portier
