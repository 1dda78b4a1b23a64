#include "hal/open_reader.h"

namespace portier {

std::variant<std::unique_ptr<CredentialReader>, std::string> open_reader(const ReaderOptions& options,
                                                                          const std::string& chip_label) {
  switch (options.type) {
    case ReaderType::None:
      return std::unique_ptr<CredentialReader>();
    case ReaderType::Evdev:
      return make_evdev_reader(options.evdev);
    case ReaderType::Wiegand: {
      auto opened = open_gpio_chip(chip_label);
      if (auto* why = std::get_if<std::string>(&opened)) return "reader (wiegand): " + *why;
      return make_wiegand_reader(std::move(std::get<std::unique_ptr<GpioChip>>(opened)), options.wiegand);
    }
  }
  return std::string("reader type out of range");
}

const char* to_string(ReaderType type) {
  switch (type) {
    case ReaderType::None:
      return "none";
    case ReaderType::Evdev:
      return "evdev";
    case ReaderType::Wiegand:
      return "wiegand";
  }
  return "?";
}

}  // namespace portier
