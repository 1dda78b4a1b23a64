// Secrets typed by an installer (a PIN, later a password): from the terminal
// without echo, or one line from stdin when it is not a terminal (scripts,
// tests). Never from argv, where `ps` and the shell history would show them.
#pragma once

#include <optional>
#include <string>

namespace portier {

// Asks `prompt` (on stderr) and, on a terminal, asks again to confirm.
// Returns the secret without its line end; std::nullopt with `error` set when
// stdin ended, or the two entries differ.
std::optional<std::string> read_secret(const std::string& prompt, std::string& error);

}  // namespace portier
