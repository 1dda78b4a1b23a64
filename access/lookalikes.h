// Look-alikes: enrolled users whom dlib's descriptor places close together.
//
// The acceptance rule's distance comes from LFW's impostor curve, and LFW's
// people are far apart in dlib's space: celebrities of every age and
// ancestry, photographed by many cameras. A door's users are often alike
// (one school, one family, one camera and light), and there strangers fall
// much nearer: among NUAA's development people, young adults of one
// ancestry filmed by one webcam, different people lie 0.42 apart, where LFW
// puts one impostor pair in 100,000 (docs/recognition.md). The gallery
// itself shows how dense the door's population is: a user's nearest other
// enrolled user is one draw from it. So:
//   - the door accepts a user only nearer than kLookAlikeShrink times the
//     distance to their nearest enrolled look-alike (when that is below the
//     rule's distance): a stranger as alike as the look-alike is refused;
//   - the nearest user must lead the runner-up by kMinLead at every gallery
//     size: a face about as near two users is neither.
// A user's look-alike is any other enrolled user nearer than
// lookalike_distance(rule): near enough to narrow their radius.
#pragma once

#include <string>
#include <vector>

#include "access/acceptance_rule.h"
#include "access/card_directory.h"
#include "access/embedding_index.h"

namespace portier {

// Chosen on NUAA people 0001-0005 (approaches of another session), checked
// on 0006-0009 (docs/recognition.md, "Look-alikes").
inline constexpr double kLookAlikeShrink = 0.83;
inline constexpr double kMinLead = 0.05;

// Users nearer each other than this narrow each other's radius under `rule`.
double lookalike_distance(const AcceptanceRule& rule);

// The pairs of `nearest` (EmbeddingIndex::nearest_other_users) that are
// look-alikes under `rule`, each pair once, nearest first.
std::vector<NearestOther> lookalike_pairs(const std::vector<NearestOther>& nearest, const AcceptanceRule& rule);

// `rule` with the lead required and each look-alike's radius narrowed.
AcceptanceRule with_lookalikes(AcceptanceRule rule, const std::vector<NearestOther>& nearest);

// Look-alike protection (access.lookalike_second_factor): each user whose
// radius `narrowed` (with_lookalikes) narrows gets a look-alike mode
// (AccessDirectory::lookalike_modes): card+face where the door has a reader
// and they hold a card, else face+pin where it has a keypad and they have a
// PIN, else whichever the door can take (they cannot enter by face until
// they have it: doctor names them).
void require_second_factor(AccessDirectory& directory, const AcceptanceRule& narrowed, bool reader, bool keypad);
// The look-alike users of `directory` with neither the card nor the PIN
// their look-alike mode asks for; `nearest` (the directory's faces'
// nearest_other_users, already at hand) names them.
std::vector<std::string> lookalikes_without_second_factor(const AccessDirectory& directory,
                                                          const std::vector<NearestOther>& nearest);

// One line for doctor, logs and `users show`: "a ~ b (0.421)".
std::string describe_pair(const NearestOther& pair);

}  // namespace portier
