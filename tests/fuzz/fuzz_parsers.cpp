// libFuzzer target: every parser that reads bytes from the network (remote
// commands, backend replies, times). The first byte picks the parser; the
// rest is its input. None may crash, leak or hang, whatever it is given.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backend-client/command_token.h"
#include "backend-client/protocol.h"

namespace {
const portier::CommandPolicy kPolicy{"fuzz-door", std::chrono::seconds(60), std::chrono::seconds(30)};
const std::string kKey = "fuzzing-key-0123456789abcdef";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0: (void)portier::verify_command(input, kKey, kPolicy, 1'800'000'000); break;
    case 1: (void)portier::parse_verify_reply(input); break;
    case 2: (void)portier::parse_users_reply(input); break;
    case 3: (void)portier::check_events_reply(input, 3); break;
    case 4: (void)portier::parse_rfc3339(input); break;
  }
  return 0;
}
