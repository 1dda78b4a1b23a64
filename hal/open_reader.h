// A card reader or a PIN keypad as the config describes it ([reader],
// [keypad]): the one place that knows which driver a reader type is. A new
// kind of reader is a CredentialReader (hal/credential_reader.h), a type
// here, and the config's list of types.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "hal/credential_reader.h"
#include "hal/evdev_reader.h"
#include "hal/wiegand_reader.h"

namespace portier {

// The kinds of reader. The keypad is none or evdev; the card reader any.
enum class ReaderType { None, Evdev, Wiegand };
const char* to_string(ReaderType type);  // as the config names it: "none", "evdev", "wiegand"

struct ReaderOptions {
  ReaderType type = ReaderType::None;
  EvdevReaderOptions evdev;
  WiegandReaderOptions wiegand;  // on the GPIO chip; its keypad, if any, gives PINs too
};

// The reader `options` names (null for "none"), or a one-line reason it
// cannot be opened. A Wiegand reader takes a handle of its own on the chip
// labelled `chip_label`: the kernel hands each line to one request, and the
// door's lines are not the reader's.
std::variant<std::unique_ptr<CredentialReader>, std::string> open_reader(const ReaderOptions& options,
                                                                          const std::string& chip_label);

}  // namespace portier
