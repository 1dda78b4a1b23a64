// A Wiegand card reader (and the keypad many of them carry) on two GPIO
// lines, D0 and D1, read as kernel-timestamped falling edges.
#pragma once

#include <memory>

#include "hal/credential_reader.h"
#include "hal/gpio_chip.h"
#include "hal/wiegand_decoder.h"

namespace portier {

struct WiegandReaderOptions {
  unsigned d0_line = 0;
  unsigned d1_line = 0;
  WiegandOptions format;
};

// Delivers cards and PINs; a burst of bad frames comes back once as
// ReaderResult::fault. The lines are requested at the first read, and again
// after they could not be (another process held them), so a read reports
// why rather than the constructor throwing.
std::unique_ptr<CredentialReader> make_wiegand_reader(std::unique_ptr<GpioChip> chip, WiegandReaderOptions options);

}  // namespace portier
