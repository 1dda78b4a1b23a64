// USB keyboard-wedge card readers and keypads through Linux evdev.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "hal/credential_reader.h"

namespace portier {

struct EvdevReaderOptions {
  std::filesystem::path device;  // /dev/input/by-id/...-event-kbd, or a FIFO fed with struct input_event records
  Credential::Kind delivers = Credential::Kind::Card;  // a card reader, or a keypad (PINs)
  bool hex = false;  // card numbers typed as hex digits (0-9, A-F) rather than decimal
  int keep_digits = 0;  // keep only the last N digits of a card (0: all); readers pad differently
  // Keys typed longer ago than this before Enter are a fragment, not an entry.
  std::chrono::milliseconds entry_timeout{5000};
};

// Reads key presses up to Enter and hands the digits over as one credential.
// A character device is grabbed (EVIOCGRAB) so that card numbers never reach
// a console or a login prompt. Anything that delivers struct input_event
// records works, so a FIFO lets tests and installers feed it without
// hardware. A FIFO is held open for writing too, so that writers may come
// and go without a card lost between them; an unplugged device is reopened.
std::unique_ptr<CredentialReader> make_evdev_reader(EvdevReaderOptions options);

// The key-to-character map of a wedge reader (Linux key codes): '0'-'9',
// 'A'-'F' (hex readers), '\n' for Enter, 0 for any other key. Exposed for tests.
char evdev_key_char(unsigned short code);

}  // namespace portier
