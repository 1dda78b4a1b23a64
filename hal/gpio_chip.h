// The few GPIO operations the door needs, behind one interface: the door
// logic is tested against an in-process fake (this machine has no GPIO), and
// the libgpiod driver stays one file. libgpiod 1.6 (Debian 12, Raspberry Pi
// OS bookworm) and 2.x share a header name but not an API; only
// libgpiod_chip.cpp knows which one it is built against.
#pragma once

#include <memory>
#include <string>
#include <variant>

namespace portier {

enum class Bias { AsIs, PullUp, PullDown };

// A requested line. "active" is the logical level: the driver applies
// active-low, so the door logic never thinks in volts. Releasing the object
// releases the line, and the kernel returns it to its default state, which is
// also what happens when the process dies.
class OutputLine {
 public:
  virtual ~OutputLine() = default;
  virtual void set(bool active) = 0;
};

class InputLine {
 public:
  virtual ~InputLine() = default;
  virtual bool get() = 0;
};

class GpioChip {
 public:
  virtual ~GpioChip() = default;
  // Throws std::runtime_error naming the line (offset and consumer) when it
  // does not exist or another process holds it.
  virtual std::unique_ptr<OutputLine> request_output(unsigned offset, bool active_low, bool initial_active,
                                                     const std::string& purpose) = 0;
  virtual std::unique_ptr<InputLine> request_input(unsigned offset, bool active_low, Bias bias,
                                                   const std::string& purpose) = 0;
  virtual std::string describe() const = 0;
};

// The chip whose label is `label` (e.g. "pinctrl-bcm2711" on a Pi 4,
// "pinctrl-rp1" on a Pi 5): found by label because the Pi 5 moved the header
// from gpiochip4 to gpiochip0. A one-line reason when there is none.
std::variant<std::unique_ptr<GpioChip>, std::string> open_gpio_chip(const std::string& label);

}  // namespace portier
