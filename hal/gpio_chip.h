// The few GPIO operations the door needs, behind one interface: the door
// logic is tested against an in-process fake (this machine has no GPIO), and
// the libgpiod driver stays one file. libgpiod 1.6 (Debian 12, Raspberry Pi
// OS bookworm) and 2.x share a header name but not an API; only
// libgpiod_chip.cpp knows which one it is built against.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

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

// A falling edge on one of a group of lines requested together, with the
// kernel's timestamp (CLOCK_MONOTONIC, the steady clock's epoch, as the
// GPIO uAPI has given since Linux 5.7): Wiegand bits are 50 us pulses ~2 ms
// apart, and only the kernel sees them at that resolution.
struct LineEdge {
  unsigned index = 0;  // position of the line in the offsets it was requested with
  std::chrono::nanoseconds at{0};
};

class EdgeLines {
 public:
  virtual ~EdgeLines() = default;
  // Waits at most `timeout` for edges; returns those that came, oldest first
  // (empty: none). Throws std::runtime_error when the lines cannot be read.
  virtual std::vector<LineEdge> wait(std::chrono::milliseconds timeout) = 0;
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
  // Lines watched together for falling edges (a Wiegand reader's D0 and D1).
  virtual std::unique_ptr<EdgeLines> request_falling_edges(const std::vector<unsigned>& offsets, Bias bias,
                                                           const std::string& purpose) = 0;
  virtual std::string describe() const = 0;
};

// The chip whose label is `label` (e.g. "pinctrl-bcm2711" on a Pi 4,
// "pinctrl-rp1" on a Pi 5): found by label because the Pi 5 moved the header
// from gpiochip4 to gpiochip0. A one-line reason when there is none.
std::variant<std::unique_ptr<GpioChip>, std::string> open_gpio_chip(const std::string& label);

}  // namespace portier
