#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace portier {

struct LabelledImage {
  std::string path;  // relative to the data root
  bool live = false;
};

// A CSV file whose header names the columns `path` and `label` (label is
// `live` or `spoof`); other columns are ignored. Throws std::invalid_argument
// naming the file and line of the first problem.
std::vector<LabelledImage> read_liveness_labels(const std::filesystem::path& file);

// The capture session in a NUAA-style file name (ID_glasses_pos_session_pic),
// e.g. "01" for 0001_00_00_01_12.jpg; std::nullopt for other names.
std::optional<std::string> capture_session(const std::string& path);

}  // namespace portier
