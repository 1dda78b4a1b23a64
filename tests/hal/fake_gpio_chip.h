// An in-process GPIO chip behind the same interface as the libgpiod driver:
// this machine has no GPIO kernel support. Levels are physical (volts), so
// the tests see what active-low does on the wire.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

#include "hal/gpio_chip.h"

namespace portier::test {

class FakeGpioChip final : public GpioChip {
 public:
  explicit FakeGpioChip(unsigned lines = 28) : lines_(lines) {}

  // Physical level of a line: an output's driven level or an input's wire.
  bool level(unsigned offset) {
    std::lock_guard lock(mutex_);
    return state_[offset].level;
  }
  void set_wire(unsigned offset, bool high) {
    std::lock_guard lock(mutex_);
    state_[offset].level = high;
  }
  bool requested(unsigned offset) {
    std::lock_guard lock(mutex_);
    return state_[offset].requested;
  }
  // Simulates another process holding a line.
  void hold_elsewhere(unsigned offset) {
    std::lock_guard lock(mutex_);
    state_[offset].requested = true;
  }

  std::unique_ptr<OutputLine> request_output(unsigned offset, bool active_low, bool initial_active,
                                             const std::string& purpose) override {
    claim(offset, purpose);
    auto line = std::make_unique<Output>(*this, offset, active_low);
    line->set(initial_active);
    return line;
  }
  std::unique_ptr<InputLine> request_input(unsigned offset, bool active_low, Bias bias, const std::string& purpose) override {
    claim(offset, purpose);
    if (bias == Bias::PullUp) set_wire(offset, true);  // an open button reads high through its pull-up
    return std::make_unique<Input>(*this, offset, active_low);
  }
  std::unique_ptr<EdgeLines> request_falling_edges(const std::vector<unsigned>& offsets, Bias,
                                                   const std::string& purpose) override {
    // All or none, as the kernel requests a bulk of lines.
    for (size_t i = 0; i < offsets.size(); ++i) {
      try {
        claim(offsets[i], purpose);
      } catch (...) {
        for (size_t j = 0; j < i; ++j) unclaim(offsets[j]);
        throw;
      }
    }
    return std::make_unique<Edges>(*this, offsets);
  }
  std::string describe() const override { return "fake chip"; }

  // Falling edges (line, timestamp on the steady clock's epoch) on lines
  // requested for edges, delivered together as one burst the kernel queued.
  void falling_edges(const std::vector<std::pair<unsigned, std::chrono::nanoseconds>>& edges) {
    {
      std::lock_guard lock(mutex_);
      edges_.insert(edges_.end(), edges.begin(), edges.end());
    }
    edge_arrived_.notify_all();
  }
  // The next wait() on the edge lines fails, as a read of a vanished chip would.
  void fail_edges_once() {
    std::lock_guard lock(mutex_);
    fail_edges_ = true;
  }

 private:
  struct Line {
    bool level = false;
    bool requested = false;
  };
  struct Output final : OutputLine {
    Output(FakeGpioChip& chip, unsigned offset, bool active_low) : chip(chip), offset(offset), active_low(active_low) {}
    ~Output() override { chip.unclaim(offset); }
    void set(bool active) override { chip.set_wire(offset, active != active_low); }
    FakeGpioChip& chip;
    unsigned offset;
    bool active_low;
  };
  struct Input final : InputLine {
    Input(FakeGpioChip& chip, unsigned offset, bool active_low) : chip(chip), offset(offset), active_low(active_low) {}
    ~Input() override { chip.unclaim(offset); }
    bool get() override { return chip.level(offset) != active_low; }
    FakeGpioChip& chip;
    unsigned offset;
    bool active_low;
  };
  struct Edges final : EdgeLines {
    Edges(FakeGpioChip& chip, std::vector<unsigned> offsets) : chip(chip), offsets(std::move(offsets)) {}
    ~Edges() override {
      for (unsigned offset : offsets) chip.unclaim(offset);
    }
    std::vector<LineEdge> wait(std::chrono::milliseconds timeout) override {
      std::unique_lock lock(chip.mutex_);
      chip.edge_arrived_.wait_for(lock, timeout, [&] { return !chip.edges_.empty() || chip.fail_edges_; });
      if (chip.fail_edges_) {
        chip.fail_edges_ = false;
        throw std::runtime_error("fake edge read failed");
      }
      std::vector<LineEdge> out;
      for (const auto& [offset, at] : chip.edges_)
        for (unsigned i = 0; i < offsets.size(); ++i)
          if (offsets[i] == offset) out.push_back({i, at});
      chip.edges_.clear();
      return out;
    }
    FakeGpioChip& chip;
    std::vector<unsigned> offsets;
  };
  void claim(unsigned offset, const std::string& purpose) {
    std::lock_guard lock(mutex_);
    if (offset >= lines_) throw std::runtime_error(purpose + " line " + std::to_string(offset) + " does not exist");
    if (state_[offset].requested)
      throw std::runtime_error(purpose + " line " + std::to_string(offset) + " is already used by another process");
    state_[offset].requested = true;
  }
  void unclaim(unsigned offset) {
    std::lock_guard lock(mutex_);
    state_[offset].requested = false;
    state_[offset].level = false;  // the kernel returns a released line to its default
  }

  unsigned lines_;
  std::mutex mutex_;
  std::map<unsigned, Line> state_;
  std::deque<std::pair<unsigned, std::chrono::nanoseconds>> edges_;
  std::condition_variable edge_arrived_;
  bool fail_edges_ = false;
};

}  // namespace portier::test
