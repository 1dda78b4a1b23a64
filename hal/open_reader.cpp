#include "hal/open_reader.h"

namespace portier {

std::variant<std::unique_ptr<CredentialReader>, std::string> open_reader(const ReaderOptions& options,
                                                                          const std::string& chip_label) {
  if (options.type == "none") return std::unique_ptr<CredentialReader>();
  if (options.type == "evdev") return make_evdev_reader(options.evdev);
  if (options.type == "wiegand") {
    auto opened = open_gpio_chip(chip_label);
    if (auto* why = std::get_if<std::string>(&opened)) return "reader (wiegand): " + *why;
    return make_wiegand_reader(std::move(std::get<std::unique_ptr<GpioChip>>(opened)), options.wiegand);
  }
  return "reader type '" + options.type + "' is not one of none, evdev, wiegand";
}

}  // namespace portier
