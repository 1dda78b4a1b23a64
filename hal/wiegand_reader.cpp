#include "hal/wiegand_reader.h"

#include <algorithm>
#include <deque>
#include <stdexcept>

#include <fmt/format.h>

namespace portier {
namespace {

class WiegandReader final : public CredentialReader {
 public:
  WiegandReader(std::unique_ptr<GpioChip> chip, WiegandReaderOptions options)
      : chip_(std::move(chip)), options_(options), decoder_(options.format) {}

  ReaderResult read(std::chrono::milliseconds timeout) override {
    using std::chrono::steady_clock;
    const auto deadline = steady_clock::now() + timeout;
    if (!lines_) {
      try {
        lines_ = chip_->request_falling_edges({options_.d0_line, options_.d1_line}, Bias::PullUp, "wiegand D0/D1");
      } catch (const std::exception& e) {
        return {std::nullopt, e.what(), {}};
      }
    }
    for (;;) {
      if (!ready_.empty()) {
        ReaderResult r = std::move(ready_.front());
        ready_.pop_front();
        return r;
      }
      const auto now = steady_clock::now();
      if (auto due = decoder_.frame_due(); due && *due <= now.time_since_epoch()) {
        take(decoder_.idle(now.time_since_epoch()));
        continue;
      }
      if (now >= deadline) return {};
      // Wake when the frame in progress is due to end, or at the deadline.
      auto until = deadline;
      if (auto due = decoder_.frame_due())
        until = std::min(until, steady_clock::time_point(std::chrono::duration_cast<steady_clock::duration>(*due)));
      const auto wait = std::max(std::chrono::milliseconds(1),
                                 std::chrono::ceil<std::chrono::milliseconds>(until - now));
      std::vector<LineEdge> edges;
      try {
        edges = lines_->wait(wait);
      } catch (const std::exception& e) {
        lines_.reset();
        return {std::nullopt, std::string("wiegand lines: ") + e.what(), {}};
      }
      for (const auto& edge : edges) take(decoder_.edge(edge.index == 1, edge.at));
    }
  }

  std::string describe() const override {
    return fmt::format("wiegand reader (D0 line {}, D1 line {}, {}-bit cards) on {}", options_.d0_line,
                       options_.d1_line, options_.format.card_bits, chip_->describe());
  }

 private:
  void take(WiegandOutput out) {
    if (!out.credential && out.fault.empty()) return;
    ReaderResult r;
    r.credential = std::move(out.credential);
    r.fault = std::move(out.fault);
    ready_.push_back(std::move(r));
  }

  std::unique_ptr<GpioChip> chip_;
  WiegandReaderOptions options_;
  WiegandDecoder decoder_;
  std::unique_ptr<EdgeLines> lines_;
  std::deque<ReaderResult> ready_;
};

}  // namespace

std::unique_ptr<CredentialReader> make_wiegand_reader(std::unique_ptr<GpioChip> chip, WiegandReaderOptions options) {
  return std::make_unique<WiegandReader>(std::move(chip), options);
}

}  // namespace portier
