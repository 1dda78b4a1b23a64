#pragma once

#include <chrono>

namespace portier {

enum class Cue { Granted, Denied };
// What the visitor is to present next (card+face, face+pin, card+pin: the first credential came).
enum class Prompt { Card, Face, Pin };

// What the visitor sees and hears: green and a long beep for a grant, red and
// three short beeps for a denial; while a second credential is awaited, green
// blinking for a card, red and green in turn for a face, both together for a
// PIN, after one short beep.
class Indicator {
 public:
  virtual ~Indicator() = default;
  virtual void show(Cue cue) = 0;  // returns at once; the driver times the pattern
  // Lasts up to `up_to` (the wait's timeout), or until the next cue or prompt.
  virtual void prompt(Prompt awaited, std::chrono::milliseconds up_to) = 0;
};

}  // namespace portier
