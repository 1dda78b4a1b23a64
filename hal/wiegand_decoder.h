// Wiegand, the wire protocol of most access-control card readers and keypads:
// a frame is a burst of bits, a 0 a short low pulse on D0, a 1 on D1, about
// 2 ms apart, ended by silence. Pure: fed edge times, it gives cards, PINs
// and the count of bad frames, so every timing case is tested without wires.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "hal/credential_reader.h"

namespace portier {

struct WiegandOptions {
  // Card frames: 26 (H10301: even parity, 8-bit facility, 16-bit card, odd
  // parity) or 34 (even parity, 16-bit facility, 16-bit card, odd parity) are
  // parity-checked; any other length from 10 to 64 is taken raw, every bit data.
  int card_bits = 26;
  // The number a card gives: its data bits (26: facility * 65536 + card;
  // 34: the 32 bits; raw: all bits), or the card field alone (26 and 34 only;
  // the number printed on many cards, without the site's facility code).
  bool card_field_only = false;
  bool hex = false;     // the number in upper-case hex rather than decimal
  int card_digits = 0;  // zero-padded or cut to exactly this many digits (its last); 0: as is
  // Silence that ends a frame: readers leave 20-100 ms between frames and ~2 ms between bits.
  std::chrono::milliseconds frame_gap{25};
  // Keys (4-bit or 8-bit bursts: 0-9, '*' clears, '#' ends a PIN): a PIN
  // whose last key is older than this is dropped unfinished.
  std::chrono::milliseconds entry_timeout{5000};
  // This many bad frames within fault_window: a fault (reader_fault), once a burst.
  int fault_frames = 5;
  std::chrono::seconds fault_window{10};
};

// What a finished frame gave: a card, a completed PIN, or nothing (a key
// that did not end a PIN, or a bad frame); a fault when bad frames come in a burst.
struct WiegandOutput {
  std::optional<Credential> credential;
  std::string fault;
};

class WiegandDecoder {
 public:
  using Nanos = std::chrono::nanoseconds;  // the steady clock's time since its epoch

  explicit WiegandDecoder(WiegandOptions options);

  // A falling edge on D1 (`one`) or D0 at `at`. An edge after a gap first
  // finishes the frame before it, whose output is returned.
  WiegandOutput edge(bool one, Nanos at);
  // No edge until `now`: finishes the frame in progress once it has been
  // silent for frame_gap.
  WiegandOutput idle(Nanos now);
  // The time at which idle() would finish the frame in progress, if any.
  std::optional<Nanos> frame_due() const;

  std::uint64_t bad_frames() const { return bad_frames_; }
  const std::string& last_problem() const { return last_problem_; }

 private:
  WiegandOutput finish();
  WiegandOutput bad(std::string why);
  WiegandOutput card(std::uint64_t data, int data_bits);
  WiegandOutput key(unsigned value);

  WiegandOptions options_;
  std::vector<bool> bits_;
  Nanos last_edge_{0};
  std::string pin_;
  Nanos last_key_{0};
  std::uint64_t bad_frames_ = 0;
  std::string last_problem_;
  std::deque<Nanos> recent_bad_;
  bool fault_raised_ = false;
};

// Whether a frame of `bits` bits passes the parity of the 26- or 34-bit format.
bool wiegand_parity_ok(const std::vector<bool>& bits);

}  // namespace portier
