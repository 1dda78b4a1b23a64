#include "access/access_controller.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace portier {

AccessController::AccessController(AccessControllerOptions options, AccessDirectory directory)
    : options_(std::move(options)), directory_(std::move(directory)), lockout_(options_.lockout) {}

float AccessController::threshold_for(std::int64_t user_id) const {
  if (!options_.card_face_threshold) return options_.card_face_fixed_threshold;
  return options_.card_face_threshold(std::max<size_t>(1, directory_.faces.embeddings_of(user_id)));
}

std::optional<std::string> AccessController::holder_problem(const CardHolder* holder) const {
  if (!holder) return "no enrolled user holds this card";
  if (!holder->validity.contains(std::chrono::system_clock::now()))
    return "the card's holder '" + holder->name + "' is outside their validity window";
  return std::nullopt;
}

Decision AccessController::card_decision(const Credential& credential, const CardHolder* holder) const {
  Decision d;
  d.credential = "card";
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
  d.credential = "card+face";
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

std::vector<Decision> AccessController::face_unstamped(Decision face, Clock::time_point now) {
  std::vector<Decision> out = expire_unstamped(now);
  switch (options_.mode) {
    case VerificationMode::Face:
    case VerificationMode::CardOrFace:
      out.push_back(std::move(face));
      return out;
    case VerificationMode::Card:
      // Faces open nothing here, but a photo held up to the camera is still
      // worth an alert.
      if (face.verdict == Verdict::DeniedSpoof) out.push_back(std::move(face));
      return out;
    case VerificationMode::CardAndFace:
      break;
  }
  if (face.verdict == Verdict::DeniedSpoof) {
    // A photo with a (perhaps stolen) card: the attempt ends here, card and all.
    if (card_) {
      face.credential = "card+face";
      face.card = card_->card;
      face.reason += "; presented with the card of '" + card_->holder.name + "'";
      card_.reset();
    }
    out.push_back(std::move(face));
    return out;
  }
  if (card_) {
    out.push_back(resolve(*card_, std::move(face)));
    card_.reset();
    return out;
  }
  // Wait for a card; a later decision on the same track replaces the earlier.
  std::erase_if(faces_, [&](const PendingFace& p) { return p.face.track_id == face.track_id; });
  wait_notice_ = fmt::format("track {}: {} waits up to {:g} s for a card", face.track_id,
                             face.verdict == Verdict::Granted && face.user_name ? "face of '" + *face.user_name + "'" : std::string("an unrecognised face"),
                             std::chrono::duration<double>(options_.auth_timeout).count());
  faces_.push_back({std::move(face), now});
  return out;
}

std::vector<Decision> AccessController::card_and_face(const Credential& credential, Clock::time_point now) {
  std::vector<Decision> out;
  const CardHolder* holder = directory_.cards.find(credential.value);
  if (holder_problem(holder)) {
    out.push_back(card_decision(credential, holder));
    return out;
  }
  PendingCard card{credential.value, *holder, now};
  if (!faces_.empty()) {
    // Several people in view: the card goes with the face nearest its holder.
    auto nearest = std::min_element(faces_.begin(), faces_.end(), [&](const PendingFace& a, const PendingFace& b) {
      const auto da = directory_.faces.distance_to_user(holder->user_id, a.face.embedding);
      const auto db = directory_.faces.distance_to_user(holder->user_id, b.face.embedding);
      return da.value_or(1e9f) < db.value_or(1e9f);
    });
    out.push_back(resolve(card, std::move(nearest->face)));
    faces_.erase(nearest);
    return out;
  }
  if (card_) {
    Decision earlier = card_decision({Credential::Kind::Card, card_->card, card_->at}, &card_->holder);
    earlier.verdict = Verdict::DeniedSecondFactorTimeout;
    earlier.reason = "card of '" + card_->holder.name + "': another card was shown before a face";
    out.push_back(std::move(earlier));
  }
  wait_notice_ = fmt::format("card of '{}' waits up to {:g} s for a face", holder->name,
                             std::chrono::duration<double>(options_.auth_timeout).count());
  card_ = std::move(card);
  fresh_faces_requested_ = true;
  return out;
}

std::vector<Decision> AccessController::credential_unstamped(const Credential& credential, Clock::time_point now) {
  std::vector<Decision> out = expire_unstamped(now);
  if (credential.kind != Credential::Kind::Card) return out;  // PIN modes are not offered yet: a keypad opens nothing
  switch (options_.mode) {
    case VerificationMode::Face:
      return out;  // a card at a face-only door opens nothing and is not an attempt
    case VerificationMode::Card:
    case VerificationMode::CardOrFace:
      out.push_back(card_decision(credential, directory_.cards.find(credential.value)));
      return out;
    case VerificationMode::CardAndFace: {
      auto more = card_and_face(credential, now);
      out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
      return out;
    }
  }
  return out;
}

std::vector<Decision> AccessController::expire_unstamped(Clock::time_point now) {
  std::vector<Decision> out;
  const auto timeout_s = std::chrono::duration<double>(options_.auth_timeout).count();
  if (card_ && now - card_->at >= options_.auth_timeout) {
    Decision d = card_decision({Credential::Kind::Card, card_->card, card_->at}, &card_->holder);
    d.verdict = Verdict::DeniedSecondFactorTimeout;
    d.reason = fmt::format("card of '{}': no face within {:g} s", card_->holder.name, timeout_s);
    card_.reset();
    out.push_back(std::move(d));
  }
  while (!faces_.empty() && now - faces_.front().at >= options_.auth_timeout) {
    Decision d = std::move(faces_.front().face);
    faces_.pop_front();
    const bool recognised = d.verdict == Verdict::Granted && d.user_name;
    d.verdict = Verdict::DeniedSecondFactorTimeout;
    d.reason = fmt::format("{}: no card within {:g} s", recognised ? "face of '" + *d.user_name + "'" : "an unrecognised face",
                           timeout_s);
    if (!recognised) d.user_id.reset(), d.user_name.reset();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Decision> AccessController::stamped(std::vector<Decision> decisions, Clock::time_point now) {
  for (auto& d : decisions) {
    // A spoof stays a spoof (it raises its own alert), and a timeout is
    // nobody's attempt; anything else is refused while the door is locked out.
    if (lockout_.locked(now) && d.verdict != Verdict::DeniedSpoof && d.verdict != Verdict::DeniedSecondFactorTimeout) {
      d.verdict = Verdict::DeniedLockout;
      d.reason += "; refused: the door is locked out after repeated denied attempts";
    } else if (auto alert = lockout_.record(d, now)) {
      lockout_alert_ = std::move(alert);
    }
    d.mode = to_string(options_.mode);
    if (d.card && !options_.full_card_numbers) d.card = mask_card_number(*d.card);
  }
  return decisions;
}

std::vector<Decision> AccessController::on_face(Decision face, Clock::time_point now) {
  return stamped(face_unstamped(std::move(face), now), now);
}

std::vector<Decision> AccessController::on_credential(const Credential& credential, Clock::time_point now) {
  return stamped(credential_unstamped(credential, now), now);
}

std::vector<Decision> AccessController::expire(Clock::time_point now) { return stamped(expire_unstamped(now), now); }

std::vector<Decision> AccessController::flush() {
  return expire(Clock::time_point::max());
}

AccessController::Awaiting AccessController::awaiting() const {
  if (card_) return Awaiting::Face;
  if (!faces_.empty()) return Awaiting::Card;
  return Awaiting::Nothing;
}

}  // namespace portier
