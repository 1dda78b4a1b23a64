// Synthetic Wiegand frames for the decoder and reader tests: the bit
// patterns a reader would send, with correct or broken parity.
#pragma once

#include <cstdint>
#include <vector>

namespace portier::test {

inline std::vector<bool> bits_of(std::uint64_t value, int count) {
  std::vector<bool> out;
  for (int i = count - 1; i >= 0; --i) out.push_back(((value >> i) & 1u) != 0);
  return out;
}

// A 26-bit (8-bit facility, 16-bit card) or 34-bit (16/16) frame with its parity bits.
inline std::vector<bool> wiegand_card_frame(int bits, std::uint32_t facility, std::uint32_t card) {
  const int data_bits = bits - 2;
  std::vector<bool> data = bits_of((std::uint64_t{facility} << 16) | card, data_bits);
  const size_t half = static_cast<size_t>(data_bits / 2);
  int first = 0, second = 0;
  for (size_t i = 0; i < half; ++i) first += data[i];
  for (size_t i = half; i < data.size(); ++i) second += data[i];
  std::vector<bool> frame;
  frame.push_back(first % 2 == 1);  // even parity over the first half
  frame.insert(frame.end(), data.begin(), data.end());
  frame.push_back(second % 2 == 0);  // odd parity over the second half
  return frame;
}

// A key as an 8-bit burst: the key's nibble behind its complement.
inline std::vector<bool> wiegand_key8(unsigned key) { return bits_of(((~key & 0xFu) << 4) | key, 8); }

}  // namespace portier::test
