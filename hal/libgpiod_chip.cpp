#include <gpiod.hpp>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "hal/gpio_chip.h"

// This file speaks the libgpiod 1.x C++ API; CMake refuses 2.x until a
// second implementation exists beside this one.
namespace portier {
namespace {

constexpr const char* kConsumer = "portier";

std::bitset<32> flags(bool active_low, Bias bias) {
  std::bitset<32> f;
  if (active_low) f |= gpiod::line_request::FLAG_ACTIVE_LOW;
  if (bias == Bias::PullUp) f |= gpiod::line_request::FLAG_BIAS_PULL_UP;
  if (bias == Bias::PullDown) f |= gpiod::line_request::FLAG_BIAS_PULL_DOWN;
  return f;
}

class GpiodOutput final : public OutputLine {
 public:
  explicit GpiodOutput(gpiod::line line) : line_(std::move(line)) {}
  ~GpiodOutput() override { line_.release(); }
  void set(bool active) override { line_.set_value(active ? 1 : 0); }

 private:
  gpiod::line line_;
};

class GpiodInput final : public InputLine {
 public:
  explicit GpiodInput(gpiod::line line) : line_(std::move(line)) {}
  ~GpiodInput() override { line_.release(); }
  bool get() override { return line_.get_value() != 0; }

 private:
  gpiod::line line_;
};

class GpiodEdges final : public EdgeLines {
 public:
  GpiodEdges(gpiod::line_bulk lines, std::vector<unsigned> offsets) : lines_(std::move(lines)), offsets_(std::move(offsets)) {}
  ~GpiodEdges() override { lines_.release(); }

  std::vector<LineEdge> wait(std::chrono::milliseconds timeout) override {
    std::vector<LineEdge> out;
    auto ready = lines_.event_wait(timeout);
    for (unsigned i = 0; i < ready.size(); ++i) {
      const auto line = ready[i];
      const auto index = static_cast<unsigned>(
          std::find(offsets_.begin(), offsets_.end(), line.offset()) - offsets_.begin());
      for (const auto& event : line.event_read_multiple())
        if (event.event_type == gpiod::line_event::FALLING_EDGE) out.push_back({index, event.timestamp});
    }
    // Each line's events come in order; the two lines' are merged by time.
    std::sort(out.begin(), out.end(), [](const LineEdge& a, const LineEdge& b) { return a.at < b.at; });
    return out;
  }

 private:
  gpiod::line_bulk lines_;
  std::vector<unsigned> offsets_;
};

class GpiodChip final : public GpioChip {
 public:
  explicit GpiodChip(gpiod::chip chip) : chip_(std::move(chip)) {}

  std::unique_ptr<OutputLine> request_output(unsigned offset, bool active_low, bool initial_active,
                                             const std::string& purpose) override {
    auto line = take(offset, purpose);
    try {
      line.request({kConsumer, gpiod::line_request::DIRECTION_OUTPUT, flags(active_low, Bias::AsIs)},
                   initial_active ? 1 : 0);
    } catch (const std::exception& e) {
      throw std::runtime_error(where(offset, purpose) + " cannot be requested as output: " + e.what());
    }
    return std::make_unique<GpiodOutput>(std::move(line));
  }

  std::unique_ptr<InputLine> request_input(unsigned offset, bool active_low, Bias bias,
                                           const std::string& purpose) override {
    auto line = take(offset, purpose);
    try {
      line.request({kConsumer, gpiod::line_request::DIRECTION_INPUT, flags(active_low, bias)});
    } catch (const std::exception& e) {
      throw std::runtime_error(where(offset, purpose) + " cannot be requested as input: " + e.what());
    }
    return std::make_unique<GpiodInput>(std::move(line));
  }

  std::unique_ptr<EdgeLines> request_falling_edges(const std::vector<unsigned>& offsets, Bias bias,
                                                   const std::string& purpose) override {
    gpiod::line_bulk bulk;
    for (unsigned offset : offsets) bulk.append(take(offset, purpose));
    try {
      bulk.request({kConsumer, gpiod::line_request::EVENT_FALLING_EDGE, flags(false, bias)});
    } catch (const std::exception& e) {
      std::string lines;
      for (unsigned offset : offsets) lines += (lines.empty() ? "" : ", ") + std::to_string(offset);
      throw std::runtime_error(purpose + " lines " + lines + " on " + describe() +
                               " cannot be requested for edge events: " + e.what());
    }
    return std::make_unique<GpiodEdges>(std::move(bulk), offsets);
  }

  std::string describe() const override { return chip_.name() + " (" + chip_.label() + ")"; }

 private:
  std::string where(unsigned offset, const std::string& purpose) const {
    return purpose + " line " + std::to_string(offset) + " on " + describe();
  }
  gpiod::line take(unsigned offset, const std::string& purpose) {
    if (offset >= chip_.num_lines())
      throw std::runtime_error(where(offset, purpose) + " does not exist (the chip has " +
                               std::to_string(chip_.num_lines()) + " lines)");
    auto line = chip_.get_line(offset);
    if (line.is_used())
      throw std::runtime_error(where(offset, purpose) + " is already used by " +
                               (line.consumer().empty() ? std::string("another process") : "'" + line.consumer() + "'"));
    return line;
  }
  gpiod::chip chip_;
};

}  // namespace

std::variant<std::unique_ptr<GpioChip>, std::string> open_gpio_chip(const std::string& label) {
  std::string seen;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    if (entry.path().filename().string().rfind("gpiochip", 0) != 0) continue;
    try {
      gpiod::chip chip(entry.path().string(), gpiod::chip::OPEN_BY_PATH);
      if (chip.label() == label) return std::unique_ptr<GpioChip>(std::make_unique<GpiodChip>(std::move(chip)));
      seen += (seen.empty() ? "" : ", ") + chip.label();
    } catch (const std::exception& e) {
      seen += (seen.empty() ? "" : ", ") + entry.path().string() + " (" + e.what() + ")";
    }
  }
  if (seen.empty()) return "no GPIO chip found (/dev/gpiochip* missing: not a Raspberry Pi, or no access)";
  return "no GPIO chip labelled '" + label + "' (found: " + seen + ")";
}

}  // namespace portier
