#pragma once

namespace portier {

enum class Cue { Granted, Denied };

// What the visitor sees and hears: green and a long beep for a grant, red and
// three short beeps for a denial.
class Indicator {
 public:
  virtual ~Indicator() = default;
  virtual void show(Cue cue) = 0;  // returns at once; the driver times the pattern
};

}  // namespace portier
