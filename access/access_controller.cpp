#include "access/access_controller.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace portier {

AccessController::AccessController(AccessControllerOptions options, AccessDirectory directory)
    : options_(std::move(options)),
      mode_(options_.mode),
      directory_(std::move(directory)),
      lockout_(options_.lockout),
      unlock_(options_.policy) {
  if (directory_.policy) adopt_policy(directory_.policy);
  if (options_.policy && options_.local_now) mode_ = options_.policy->mode_at(options_.local_now(), mode_);
  refresh_unlock();
}

void AccessController::set_directory(AccessDirectory directory) {
  directory_ = std::move(directory);
  if (directory_.policy && directory_.policy_etag != adopted_etag_) adopt_policy(directory_.policy);
}

void AccessController::adopt_policy(std::shared_ptr<const AccessPolicy> policy) {
  // The door's mode follows the new schedule at the next input (follow_schedule),
  // which expires what waited under the old mode as any change of mode does.
  options_.policy = std::move(policy);
  adopted_etag_ = directory_.policy_etag;
  unlock_ = ScheduledUnlock(options_.policy);
  unlock_window_.reset();
  policy_notice_ = "access policy " + (options_.policy->version.empty() ? std::string("(no version)") : "version " + options_.policy->version) +
                   " from the backend now applies";
}

float AccessController::threshold_for(std::int64_t user_id) const {
  if (!options_.card_face_threshold) return options_.card_face_fixed_threshold;
  return options_.card_face_threshold(std::max<size_t>(1, directory_.faces.embeddings_of(user_id)));
}

std::optional<std::string> AccessController::holder_problem(const CardHolder* holder) const {
  if (!holder) return "no enrolled user holds this card";
  const auto now = options_.wall_now ? options_.wall_now() : std::chrono::system_clock::now();
  if (!holder->validity.contains(now))
    return "the card's holder '" + holder->name + "' is outside their validity window";
  return std::nullopt;
}

Decision AccessController::card_decision(const Credential& credential, const CardHolder* holder) const {
  Decision d;
  d.presented = kCardAlone;
  d.card = credential.value;
  d.captured = credential.at;
  d.track_started = credential.at;
  d.liveness_passed = true;  // nothing to be live: a card is checked by the door's mode alone
  if (holder) {
    d.user_id = holder->user_id;
    d.user_name = holder->name;
  }
  if (auto problem = holder_problem(holder)) {
    d.verdict = Verdict::DeniedCardUnknown;
    d.reason = *problem;
  } else {
    d.verdict = Verdict::Granted;
    d.reason = "card of '" + holder->name + "'";
  }
  return d;
}

Decision AccessController::resolve(const PendingCard& card, Decision face) const {
  Decision d = std::move(face);
  const std::optional<std::string> seen_as = d.verdict == Verdict::Granted ? d.user_name : std::nullopt;
  d.presented = kCardAndFace;
  d.card = card.card;
  d.user_id = card.holder.user_id;
  d.user_name = card.holder.name;
  d.decided_by_backend = false;
  const auto distance = directory_.faces.distance_to_user(card.holder.user_id, d.embedding);
  d.distance = distance;
  if (!d.liveness_passed) {
    d.verdict = Verdict::DeniedOther;
    d.reason = "card of '" + card.holder.name + "': the face had no live verdict";
  } else if (!distance) {
    d.verdict = Verdict::DeniedWrongFaceForCard;
    d.reason = "card of '" + card.holder.name + "', who has no enrolled face";
  } else if (const float t = threshold_for(card.holder.user_id); *distance < t) {
    d.verdict = Verdict::Granted;
    d.reason = fmt::format("card and face of '{}' (distance {:.3f} under {:.3f})", card.holder.name, *distance, t);
  } else {
    d.verdict = Verdict::DeniedWrongFaceForCard;
    d.reason = fmt::format("card of '{}', but the face is {:.3f} from theirs (needs under {:.3f}){}", card.holder.name,
                           *distance, t, seen_as ? " and resembles '" + *seen_as + "'" : std::string());
  }
  return d;
}

VerificationMode AccessController::mode_for(std::int64_t user_id) const {
  const auto own = directory_.user_modes.find(user_id);
  const VerificationMode mode =
      mode_for_user(mode_, own == directory_.user_modes.end() ? std::nullopt : std::optional(own->second));
  // Look-alike protection: where a face alone would open, theirs does not.
  const auto alike = directory_.lookalike_modes.find(user_id);
  if (alike == directory_.lookalike_modes.end()) return mode;
  if (mode == VerificationMode::CardOrFace) return VerificationMode::Card;
  return mode == VerificationMode::Face ? alike->second : mode;
}

bool AccessController::faces_wait_for(VerificationMode mode) const {
  return std::any_of(faces_.begin(), faces_.end(), [&](const PendingFace& p) { return p.mode == mode; });
}

std::vector<Decision> AccessController::face_unstamped(Decision face, Clock::time_point now) {
  std::vector<Decision> out = expire_unstamped(now);
  const bool known = face.verdict == Verdict::Granted && face.user_id;
  // A recognised user is judged by their own mode where it is stricter; an
  // unrecognised face by the door's.
  const VerificationMode mode = known ? mode_for(*face.user_id) : mode_;
  if (face.verdict == Verdict::DeniedSpoof) {
    // A photo with a (perhaps stolen) card, or a (perhaps overheard) PIN: the
    // attempt ends here, card and PIN and all. At a door that takes no faces
    // a photo held up to the camera is still worth an alert.
    if (card_ && card_->mode == VerificationMode::CardAndFace) {
      // The card's holder is whose card was used in the attack: the backend must see it.
      face.presented = kCardAndFace;
      face.card = card_->card;
      face.user_id = card_->holder.user_id;
      face.user_name = card_->holder.name;
      face.reason += "; presented with the card of '" + card_->holder.name + "'";
      card_.reset();
    }
    if (mode_ == VerificationMode::FaceAndPin && pin_) {
      face.presented.pin = true;
      pin_.reset();
    }
    out.push_back(std::move(face));
    return out;
  }
  if (known && (mode == VerificationMode::Face || mode == VerificationMode::CardOrFace)) {
    // Their face alone opens: a card waiting for another visitor's face keeps waiting.
    out.push_back(std::move(face));
    return out;
  }
  if (card_ && card_->mode == VerificationMode::CardAndFace) {
    out.push_back(resolve(*card_, std::move(face)));
    card_.reset();
    return out;
  }
  switch (mode) {
    case VerificationMode::Face:
    case VerificationMode::CardOrFace:
      out.push_back(std::move(face));  // an unrecognised face, refused as it is
      return out;
    case VerificationMode::Card:
      return out;  // faces open nothing here
    case VerificationMode::CardAndPin:
      // Their own mode asks for a card and a PIN, at a door where a face
      // would do for others: tell them (and the log) why nothing opens.
      if (known && mode_ != VerificationMode::Card && mode_ != VerificationMode::CardAndPin) {
        face.verdict = Verdict::DeniedOther;
        face.reason = "'" + face.user_name.value_or("?") + "' must present a card and their PIN (their own mode card+pin)";
        out.push_back(std::move(face));
      }
      return out;
    case VerificationMode::FaceAndPin: {
      auto more = face_and_pin(std::move(face), now);
      out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      return out;
    }
    case VerificationMode::CardAndFace:
      break;
  }
  // Wait for a card; a later decision on the same track replaces the earlier.
  std::erase_if(faces_, [&](const PendingFace& p) { return p.face.track_id == face.track_id; });
  wait_notice_ = fmt::format("track {}: {} waits up to {:g} s for a card", face.track_id,
                             known ? "face of '" + *face.user_name + "'" : std::string("an unrecognised face"),
                             timeout_s());
  faces_.push_back({std::move(face), now, VerificationMode::CardAndFace});
  return out;
}

Decision AccessController::superseded_card() const {
  const bool pin = card_->mode == VerificationMode::CardAndPin;
  Decision earlier = card_decision({Credential::Kind::Card, card_->card, card_->at}, &card_->holder);
  earlier.verdict = Verdict::DeniedSecondFactorTimeout;
  earlier.reason = "card of '" + card_->holder.name + "': another card was shown before a " + (pin ? "PIN" : "face");
  return earlier;
}

std::vector<Decision> AccessController::card_and_face(const Credential& credential, Clock::time_point now) {
  std::vector<Decision> out;
  const CardHolder* holder = directory_.cards.find(credential.value);
  if (holder_problem(holder)) {
    out.push_back(card_decision(credential, holder));
    return out;
  }
  PendingCard card{credential.value, *holder, now, VerificationMode::CardAndFace};
  if (faces_wait_for(VerificationMode::CardAndFace)) {
    // Several people in view: the card goes with the face nearest its holder.
    auto distance = [&](const PendingFace& p) {
      if (p.mode != VerificationMode::CardAndFace) return 2e9f;  // waits for a PIN, not a card
      return directory_.faces.distance_to_user(holder->user_id, p.face.embedding).value_or(1e9f);
    };
    auto nearest = std::min_element(faces_.begin(), faces_.end(),
                                    [&](const PendingFace& a, const PendingFace& b) { return distance(a) < distance(b); });
    out.push_back(resolve(card, std::move(nearest->face)));
    faces_.erase(nearest);
    return out;
  }
  if (card_) out.push_back(superseded_card());
  wait_notice_ = fmt::format("card of '{}' waits up to {:g} s for a face", holder->name, timeout_s());
  card_ = std::move(card);
  fresh_faces_requested_ = true;
  return out;
}

std::vector<Decision> AccessController::credential_unstamped(const Credential& credential, Clock::time_point now) {
  std::vector<Decision> out = expire_unstamped(now);
  std::vector<Decision> more;
  if (credential.kind == Credential::Kind::Pin) {
    more = pin_entered(credential, now);
  } else {
    const CardHolder* holder = directory_.cards.find(credential.value);
    // A valid card's holder is judged by their own mode where it is stricter.
    const VerificationMode mode = holder && !holder_problem(holder) ? mode_for(holder->user_id) : mode_;
    switch (mode) {
      case VerificationMode::FaceAndPin:
        if (mode != mode_ && needs_card_reader(mode_)) {
          // Their own mode asks for a face and a PIN, at a door where a card would do for others.
          Decision d = card_decision(credential, holder);
          d.verdict = Verdict::DeniedOther;
          d.reason = "'" + holder->name + "' must present their face and PIN (their own mode face+pin)";
          more.push_back(std::move(d));
          break;
        }
        [[fallthrough]];
      case VerificationMode::Face:
        // A face of a user whose own mode is card+face may wait for this card;
        // otherwise a card at a door that takes none opens nothing and is not an attempt.
        if (faces_wait_for(VerificationMode::CardAndFace)) more = card_and_face(credential, now);
        break;
      case VerificationMode::Card:
      case VerificationMode::CardOrFace:
        more.push_back(card_decision(credential, directory_.cards.find(credential.value)));
        break;
      case VerificationMode::CardAndFace:
        more = card_and_face(credential, now);
        break;
      case VerificationMode::CardAndPin:
        more = card_and_pin(credential, now);
        break;
    }
  }
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return out;
}

std::vector<Decision> AccessController::expire_unstamped(Clock::time_point now) {
  std::vector<Decision> out;
  if (card_ && now - card_->at >= options_.auth_timeout) {
    const bool pin_mode = card_->mode == VerificationMode::CardAndPin;
    Decision d = card_decision({Credential::Kind::Card, card_->card, card_->at}, &card_->holder);
    d.verdict = Verdict::DeniedSecondFactorTimeout;
    d.reason = fmt::format("card of '{}': no {} within {:g} s", card_->holder.name, pin_mode ? "PIN" : "face", timeout_s());
    card_.reset();
    out.push_back(std::move(d));
  }
  while (!faces_.empty() && now - faces_.front().at >= options_.auth_timeout) {
    Decision d = std::move(faces_.front().face);
    const bool pin_mode = faces_.front().mode == VerificationMode::FaceAndPin;
    faces_.pop_front();
    const bool recognised = d.verdict == Verdict::Granted && d.user_name;
    d.verdict = Verdict::DeniedSecondFactorTimeout;
    d.reason = fmt::format("{}: no {} within {:g} s", recognised ? "face of '" + *d.user_name + "'" : "an unrecognised face",
                           pin_mode ? "PIN" : "card", timeout_s());
    if (!recognised) d.user_id.reset(), d.user_name.reset();
    out.push_back(std::move(d));
  }
  if (pin_ && now - pin_->at >= options_.auth_timeout) {
    // Nobody was named: the event says only that a PIN went unanswered.
    Decision d;
    d.presented = kPinAlone;
    d.captured = d.track_started = pin_->at;
    d.liveness_passed = true;
    d.verdict = Verdict::DeniedSecondFactorTimeout;
    d.reason = fmt::format("a PIN: no {} within {:g} s",
                           mode_ == VerificationMode::CardAndPin ? "card" : "face", timeout_s());
    pin_.reset();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Decision> AccessController::stamped(std::vector<Decision> decisions, Clock::time_point now) {
  std::optional<LocalTime> local;
  if (options_.policy && options_.local_now && !decisions.empty()) local = options_.local_now();
  for (auto& d : decisions) {
    // Outside their groups' hours a known user is refused, whatever they
    // presented; not an attack, so it never counts towards a lockout.
    apply_schedule(d, local);
    // A spoof stays a spoof (it raises its own alert), and a timeout is
    // nobody's attempt; anything else is refused while the door is locked out.
    if (lockout_.locked(now) && d.verdict != Verdict::DeniedSpoof && d.verdict != Verdict::DeniedSecondFactorTimeout) {
      d.verdict = Verdict::DeniedLockout;
      d.reason += "; refused: the door is locked out after repeated denied attempts";
    } else if (auto alert = lockout_.record(d, now)) {
      lockout_alert_ = std::move(alert);
    }
    d.mode = d.user_id ? mode_for(*d.user_id) : mode_;
    if (d.card && !options_.full_card_numbers) d.card = mask_card_number(*d.card);
    if (local && d.verdict == Verdict::Granted && d.user_id)
      unlock_.granted(d.user_name.value_or("?"), directory_.groups.of(*d.user_id), *local);
  }
  return decisions;
}

std::vector<Decision> AccessController::follow_schedule(Clock::time_point now) {
  std::vector<Decision> out;
  if (!options_.policy || !options_.local_now) return out;
  const VerificationMode next = options_.policy->mode_at(options_.local_now(), options_.mode);
  if (next == mode_) return out;
  // A card that waited for a face under card+face has nothing to wait for
  // under face: what waited ends as it would have at its timeout.
  out = expire_unstamped(Clock::time_point::max());
  for (auto& d : out) d.reason += "; the door's mode changed to " + std::string(to_string(next));
  out = stamped(std::move(out), now);  // under the mode they waited in
  mode_notice_ = fmt::format("the schedule changes the door's mode from {} to {}", to_string(mode_), to_string(next));
  mode_ = next;
  return out;
}

void AccessController::refresh_unlock() {
  if (!unlock_.any_rules() || !options_.local_now) return;
  unlock_window_ = unlock_.at(options_.local_now());
}

void AccessController::apply_schedule(Decision& d, const std::optional<LocalTime>& local) const {
  if (!local || d.verdict != Verdict::Granted || !d.user_id) return;
  if (auto why = options_.policy->refusal(directory_.groups.of(*d.user_id), *local)) {
    d.verdict = Verdict::DeniedSchedule;
    d.reason += "; refused: " + *why;
  }
}

template <typename Input>
AccessOutcome AccessController::handle(Clock::time_point now, Input&& unstamped) {
  // The schedule first: what waited under the mode before expires before the input is judged.
  auto out = follow_schedule(now);
  auto more = stamped(unstamped(), now);
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  refresh_unlock();
  return outcome(std::move(out));
}

AccessOutcome AccessController::on_face(Decision face, Clock::time_point now) {
  return handle(now, [&] { return face_unstamped(std::move(face), now); });
}

AccessOutcome AccessController::on_credential(const Credential& credential, Clock::time_point now) {
  return handle(now, [&] { return credential_unstamped(credential, now); });
}

AccessOutcome AccessController::expire(Clock::time_point now) {
  return handle(now, [&] { return expire_unstamped(now); });
}

AccessOutcome AccessController::flush() {
  return outcome(stamped(expire_unstamped(Clock::time_point::max()), Clock::time_point::max()));
}

AccessOutcome AccessController::outcome(std::vector<Decision> decisions) {
  AccessOutcome o;
  o.decisions = std::move(decisions);
  o.judge_faces_afresh = std::exchange(fresh_faces_requested_, false);
  o.wait_notice = std::exchange(wait_notice_, std::nullopt);
  o.awaiting = awaiting();
  o.policy_notice = std::exchange(policy_notice_, std::nullopt);
  o.mode_notice = std::exchange(mode_notice_, std::nullopt);
  o.unlock_notice = unlock_.take_notice();
  o.unlock_window = unlock_window_;
  o.lockout_alert = std::exchange(lockout_alert_, std::nullopt);
  return o;
}

Awaiting AccessController::awaiting() const {
  if (card_) return card_->mode == VerificationMode::CardAndPin ? Awaiting::Pin : Awaiting::Face;
  if (!faces_.empty()) return faces_.front().mode == VerificationMode::FaceAndPin ? Awaiting::Pin : Awaiting::Card;
  if (pin_) return mode_ == VerificationMode::CardAndPin ? Awaiting::Card : Awaiting::Face;
  return Awaiting::Nothing;
}

}  // namespace portier
