#include "hal/wiegand_decoder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace portier {
namespace {

constexpr size_t kMaxBits = 64;

std::chrono::steady_clock::time_point steady(std::chrono::nanoseconds at) {
  return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(at));
}

std::uint64_t value_of(const std::vector<bool>& bits, size_t from, size_t count) {
  std::uint64_t v = 0;
  for (size_t i = from; i < from + count; ++i) v = (v << 1) | (bits[i] ? 1u : 0u);
  return v;
}

int ones(const std::vector<bool>& bits, size_t from, size_t count) {
  int n = 0;
  for (size_t i = from; i < from + count; ++i) n += bits[i] ? 1 : 0;
  return n;
}

}  // namespace

bool wiegand_parity_ok(const std::vector<bool>& bits) {
  // The leading bit makes the first half even, the trailing bit the second half odd.
  const size_t half = bits.size() / 2;
  return (bits.size() == 26 || bits.size() == 34) && ones(bits, 0, half) % 2 == 0 && ones(bits, half, half) % 2 == 1;
}

WiegandDecoder::WiegandDecoder(WiegandOptions options) : options_(options) {}

WiegandOutput WiegandDecoder::edge(bool one, Nanos at) {
  WiegandOutput out;
  if (!bits_.empty() && at - last_edge_ >= options_.frame_gap) out = finish();
  last_edge_ = at;
  // Bits past the longest frame are kept counting (as noise), not stored.
  if (bits_.size() <= kMaxBits) bits_.push_back(one);
  return out;
}

WiegandOutput WiegandDecoder::idle(Nanos now) {
  if (bits_.empty() || now - last_edge_ < options_.frame_gap) return {};
  return finish();
}

std::optional<WiegandDecoder::Nanos> WiegandDecoder::frame_due() const {
  if (bits_.empty()) return std::nullopt;
  return last_edge_ + std::chrono::duration_cast<Nanos>(options_.frame_gap);
}

WiegandOutput WiegandDecoder::finish() {
  std::vector<bool> bits;
  bits.swap(bits_);
  const size_t n = bits.size();
  if (n == 4) return key(static_cast<unsigned>(value_of(bits, 0, 4)));
  if (n == 8) {
    // The high nibble is the low one inverted: a check against a lost bit.
    const auto v = static_cast<unsigned>(value_of(bits, 0, 8));
    if ((v >> 4) != (~v & 0xF)) return bad(fmt::format("an 8-bit key burst {:08b} fails its check nibble", v));
    return key(v & 0xF);
  }
  if (static_cast<int>(n) != options_.card_bits) {
    if (n > kMaxBits) return bad("a burst of more than 64 bits (noise on the lines?)");
    return bad(fmt::format("a {}-bit frame where {}-bit cards or 4/8-bit keys were expected", n, options_.card_bits));
  }
  if (n == 26 || n == 34) {
    if (!wiegand_parity_ok(bits)) return bad(fmt::format("a {}-bit frame with a parity error", n));
    return card(value_of(bits, 1, n - 2), static_cast<int>(n - 2));
  }
  return card(value_of(bits, 0, n), static_cast<int>(n));
}

WiegandOutput WiegandDecoder::card(std::uint64_t data, int data_bits) {
  WiegandOutput out;
  if (options_.card_field_only && data_bits >= 16) data &= 0xFFFF;
  std::string number = options_.hex ? fmt::format("{:X}", data) : fmt::format("{}", data);
  if (options_.card_digits > 0) {
    const auto digits = static_cast<size_t>(options_.card_digits);
    if (number.size() < digits) number.insert(0, digits - number.size(), '0');
    else number.erase(0, number.size() - digits);
  }
  out.credential = Credential{Credential::Kind::Card, std::move(number), steady(last_edge_)};
  return out;
}

WiegandOutput WiegandDecoder::key(unsigned value) {
  WiegandOutput out;
  if (!pin_.empty() && last_edge_ - last_key_ > options_.entry_timeout) {
    spdlog::warn("wiegand keypad: a PIN of {} keys without '#' was dropped", pin_.size());
    pin_.clear();
  }
  last_key_ = last_edge_;
  if (value <= 9) {
    if (pin_.size() < 32) pin_.push_back(static_cast<char>('0' + value));
  } else if (value == 10) {  // '*': start over
    pin_.clear();
  } else if (value == 11) {  // '#': the PIN is complete
    if (!pin_.empty()) out.credential = Credential{Credential::Kind::Pin, std::move(pin_), steady(last_edge_)};
    pin_.clear();
  } else {
    return bad(fmt::format("key code {} is neither a digit, '*' nor '#'", value));
  }
  return out;
}

WiegandOutput WiegandDecoder::bad(std::string why) {
  WiegandOutput out;
  ++bad_frames_;
  last_problem_ = why;
  spdlog::debug("wiegand: dropped {}", why);
  recent_bad_.push_back(last_edge_);
  while (!recent_bad_.empty() && last_edge_ - recent_bad_.front() > options_.fault_window) recent_bad_.pop_front();
  if (recent_bad_.size() == 1) fault_raised_ = false;  // a quiet window ends a burst
  if (options_.fault_frames > 0 && !fault_raised_ && static_cast<int>(recent_bad_.size()) >= options_.fault_frames) {
    fault_raised_ = true;
    out.fault = fmt::format("{} bad Wiegand frames within {} s (the last: {}): check the D0/D1 wiring, the ground "
                            "and the reader's output format",
                            recent_bad_.size(), options_.fault_window.count(), why);
  }
  return out;
}

}  // namespace portier
