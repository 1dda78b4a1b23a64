// The access controller's PIN: checked against the user's (and the duress
// PIN), blocked after 3 wrong ones in a row, and the modes that wait for
// one after a face or a card. AccessController is in access_controller.h.
#include <fmt/format.h>

#include "access/access_controller.h"

namespace portier {

void AccessController::check_pin(Decision& d, const std::string& pin, Clock::time_point now) {
  // `presented` is what was presented: the PIN joins the card or the face only now.
  d.presented.pin = true;
  const std::string name = d.user_name.value_or("?");
  auto& failures = pin_failures_[*d.user_id];
  const PinCheck check = directory_.pins.check(*d.user_id, pin);
  if (failures.blocked_until && now < *failures.blocked_until) {
    // Refused, but someone forced to type the duress PIN is still reported.
    d.duress = check == PinCheck::Duress;
    d.verdict = Verdict::DeniedLockout;
    d.reason = fmt::format("PIN entry of '{}' is blocked after 3 wrong PINs in a row", name);
    return;
  }
  switch (check) {
    case PinCheck::NotSet:
      d.verdict = Verdict::DeniedPin;
      d.reason = "'" + name + "' has no PIN set";
      return;
    case PinCheck::Wrong:
      d.verdict = Verdict::DeniedPin;
      d.reason = fmt::format("wrong PIN for '{}' ({} in a row)", name, ++failures.in_a_row);
      if (failures.in_a_row >= 3) {
        failures = {0, now + options_.lockout.duration};
        d.reason += fmt::format("; PIN entry of '{}' is blocked for {} s", name, options_.lockout.duration.count());
      }
      return;
    case PinCheck::Duress:
      // The same grant, the same reason: nothing at the door or in the
      // event's reason shows it; the act stage raises the silent alert.
      d.duress = true;
      [[fallthrough]];
    case PinCheck::Right:
      failures = {};
      d.verdict = Verdict::Granted;
      d.reason = d.presented.card ? "card and PIN of '" + name + "'" : "face and PIN of '" + name + "'";
      return;
  }
}

void AccessController::wait_for_pin(std::string what) {
  wait_notice_ = fmt::format("{} waits up to {:g} s for a PIN", what, timeout_s());
}

std::vector<Decision> AccessController::face_and_pin(Decision face, Clock::time_point now) {
  std::vector<Decision> out;
  // The face names the user: an unknown face has nobody to check a PIN against.
  if (face.verdict != Verdict::Granted || !face.user_id) {
    out.push_back(std::move(face));
    return out;
  }
  if (pin_) {
    check_pin(face, pin_->pin, now);
    pin_.reset();
    out.push_back(std::move(face));
    return out;
  }
  std::erase_if(faces_, [&](const PendingFace& p) { return p.face.track_id == face.track_id; });
  wait_for_pin(fmt::format("track {}: face of '{}'", face.track_id, face.user_name.value_or("?")));
  faces_.push_back({std::move(face), now, VerificationMode::FaceAndPin});
  return out;
}

std::vector<Decision> AccessController::card_and_pin(const Credential& credential, Clock::time_point now) {
  std::vector<Decision> out;
  const CardHolder* holder = directory_.cards.find(credential.value);
  Decision d = card_decision(credential, holder);
  if (d.verdict != Verdict::Granted) {
    out.push_back(std::move(d));
    return out;
  }
  if (pin_) {
    check_pin(d, pin_->pin, now);
    pin_.reset();
    out.push_back(std::move(d));
    return out;
  }
  if (card_) out.push_back(superseded_card());
  wait_for_pin("card of '" + holder->name + "'");
  card_ = PendingCard{credential.value, *holder, now, VerificationMode::CardAndPin};
  return out;
}

std::vector<Decision> AccessController::pin_entered(const Credential& pin, Clock::time_point now) {
  std::vector<Decision> out;
  if (card_ && card_->mode == VerificationMode::CardAndPin) {
    Decision d = card_decision({Credential::Kind::Card, card_->card, card_->at}, &card_->holder);
    d.captured = pin.at;
    card_.reset();
    check_pin(d, pin.value, now);
    out.push_back(std::move(d));
    return out;
  }
  if (faces_wait_for(VerificationMode::FaceAndPin)) {
    // Several people in view: the PIN is the newest face's, unless it is
    // another waiting face's own PIN.
    auto chosen = faces_.end();
    for (auto it = faces_.rbegin(); it != faces_.rend(); ++it) {
      if (it->mode != VerificationMode::FaceAndPin) continue;  // waits for a card
      if (chosen == faces_.end()) chosen = std::prev(it.base());
      const auto check = directory_.pins.check(*it->face.user_id, pin.value);
      if (check == PinCheck::Right || check == PinCheck::Duress) {
        chosen = std::prev(it.base());
        break;
      }
    }
    Decision d = std::move(chosen->face);
    faces_.erase(chosen);
    d.captured = pin.at;
    check_pin(d, pin.value, now);
    out.push_back(std::move(d));
    return out;
  }
  // A keypad at a door whose mode takes no PIN, with nothing waiting for one,
  // opens nothing and is not an attempt.
  if (!needs_keypad(mode_)) return out;
  // The PIN came first: it waits for the face or card that names its user.
  // A second PIN replaces the first (the visitor mistyped and started over).
  pin_ = PendingPin{pin.value, now};
  wait_notice_ = fmt::format("a PIN waits up to {:g} s for a {}", timeout_s(),
                             mode_ == VerificationMode::CardAndPin ? "card" : "face");
  if (mode_ == VerificationMode::FaceAndPin) fresh_faces_requested_ = true;
  return out;
}

}  // namespace portier
