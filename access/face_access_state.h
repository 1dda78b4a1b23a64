// Face access (armed or disarmed) survives a restart: a door disarmed for the
// night stays so. Kept in the state folder, written whole (atomic_file.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace portier {

// Armed unless the state folder's file says "disarmed" (no file: armed).
bool load_face_access(const std::filesystem::path& state_dir);
// Returns why it could not be saved, or nothing.
std::optional<std::string> save_face_access(const std::filesystem::path& state_dir, bool armed);

}  // namespace portier
