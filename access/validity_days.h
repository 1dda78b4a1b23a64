// A user's validity window as people give it: whole civil days at the door
// ("from 2026-12-01 until 2026-12-24", both days included), and back.
#pragma once

#include <string>
#include <variant>

#include "access/embedding_index.h"
#include "access/local_clock.h"

namespace portier {

// `from` and `until` as YYYY-MM-DD, either empty for an open end. The window
// opens at the start of `from` and closes at the end of `until`, in the
// door's time zone. The error names the field and what is wrong.
std::variant<Validity, std::string> validity_from_days(const LocalClock& clock, const std::string& from,
                                                       const std::string& until);

// The window as whole days, for a form: the first and the last day
// (YYYY-MM-DD, the last included) of each bound that falls at a day's start
// here; empty for an open bound or one set to the minute.
struct ValidityDays {
  std::string from, until;
};
ValidityDays days_of_validity(const LocalClock& clock, const Validity& validity);

// "always", "from 2026-12-01", "through 2026-12-24" (that day included),
// "until 2026-12-24 18:00" (a bound not at midnight), or both.
std::string describe_validity(const LocalClock& clock, const Validity& validity);

}  // namespace portier
