// Files that are either the old version or the new one, never half of each:
// the liveness model and calibration, the face-access state, spoof evidence.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace portier {

// Writes `bytes` to `file` through a temporary file in the same folder (the
// folder created if need be), flushed to disk and renamed into place, then
// the folder flushed too: after a power cut the file is the old one or the
// new one. Returns why it failed, or nothing.
std::optional<std::string> write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

}  // namespace portier
