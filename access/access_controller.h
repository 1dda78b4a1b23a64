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
  // The wall clock, for a card holder's validity window; empty: the system's.
  // Time reaches the controller only as arguments and through these two, so
  // that a test sets it.
  std::function<std::chrono::system_clock::time_point()> wall_now;
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
// What the visitor is asked for next.
enum class Awaiting { Nothing, Face, Card, Pin };

// What one call of the controller hands back: the decisions to act on now,
// oldest first, and everything else the caller must do or tell, each once.
// It reads as the list of decisions (size, [], a range) for brevity.
struct AccessOutcome {
  std::vector<Decision> decisions;
  // A card waits for a face: the pipeline should judge the faces in view
  // afresh (a visitor decided before the card was shown is still there).
  bool judge_faces_afresh = false;
  // What has just begun to wait for its second factor, for the log ("face of
  // 'x' waits up to 10 s for a card"): an installer sees why nothing opened
  // yet; and what the visitor is asked for now.
  std::optional<std::string> wait_notice;
  Awaiting awaiting = Awaiting::Nothing;
  std::optional<std::string> policy_notice;  // a new access policy (from the backend) applies
  std::optional<std::string> mode_notice;    // the schedule has just changed the door's mode
  // The unlocked window (door.unlocked) has just begun or ended, for the log and an alert.
  std::optional<std::string> unlock_notice;
  // While the policy keeps the door unlocked: how much longer, and why.
  std::optional<ScheduledUnlock::Window> unlock_window;
  // The detail of a `lockout` alert, when a denial has just locked the door.
  // (A duress alert's is on its decision: Decision::duress.)
  std::optional<std::string> lockout_alert;

  size_t size() const { return decisions.size(); }
  bool empty() const { return decisions.empty(); }
  Decision& operator[](size_t i) { return decisions[i]; }
  const Decision& operator[](size_t i) const { return decisions[i]; }
  const Decision& at(size_t i) const { return decisions.at(i); }
  auto begin() { return decisions.begin(); }
  auto end() { return decisions.end(); }
  auto begin() const { return decisions.begin(); }
  auto end() const { return decisions.end(); }
};

class AccessController {
 public:
  AccessController(AccessControllerOptions options, AccessDirectory directory);

  // Each returns what to do now: the decisions, oldest first, and the notices.
  // Time comes in as `now` and through the options' clocks, nowhere else.
  AccessOutcome on_face(Decision face, Clock::time_point now);
  AccessOutcome on_credential(const Credential& credential, Clock::time_point now);
  AccessOutcome expire(Clock::time_point now);  // what waited longer than auth_timeout
  AccessOutcome flush();                        // the run ends: everything waiting expires

  // A directory that carries a policy (the backend's) replaces the policy in
  // force; the next outcome says so.
  void set_directory(AccessDirectory directory);
  const AccessControllerOptions& options() const { return options_; }
  // The mode in force (the policy's schedule may change it with the time).
  VerificationMode mode() const { return mode_; }
  // What the visitor is asked for now (as in the last outcome).
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
  // One input: the schedule followed, `unstamped()` judged and stamped, the outcome.
  template <typename Input>
  AccessOutcome handle(Clock::time_point now, Input&& unstamped);
  // The decisions with what the call left to tell (the fields below), which it empties.
  AccessOutcome outcome(std::vector<Decision> decisions);

  AccessControllerOptions options_;
  VerificationMode mode_;
  std::optional<std::string> mode_notice_;
  AccessDirectory directory_;
  std::optional<PendingCard> card_;
  std::deque<PendingFace> faces_;  // at most one per track, oldest first
  std::optional<PendingPin> pin_;  // a PIN typed before its face or card
  std::unordered_map<std::int64_t, PinFailures> pin_failures_;  // by user
  // What the current call has to tell, gathered into its outcome.
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
