// Changing an enrolled user's cards, groups, mode, validity and PIN: the
// rules `portier users` and the console's users page share, each change one
// gallery transaction.
#pragma once

#include <optional>
#include <string>

#include "access/verification_mode.h"
#include "app/config.h"
#include "console/door_console.h"

namespace portier {

// Every user, as the console's users page lists them (cards masked).
ConsoleUsers console_users(const Config& config);

// One change; the error names what is wrong and then nothing changed.
UserChangeResult change_user(const Config& config, const std::string& name, const UserChange& change);

// What an installer should hear after putting `user` in `group`, or giving
// them `mode`: a group the access policy does not name admits nobody, a mode
// that needs a reader or keypad the door lacks locks them out.
std::optional<std::string> group_note(const Config& config, const std::string& user, const std::string& group);
std::optional<std::string> mode_note(const Config& config, const std::string& user, VerificationMode mode);

}  // namespace portier
