#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace portier {

struct LabelledImage {
  std::string path;  // relative to the data root
  bool live = false;
  std::string source;  // where the image was captured (the source_set column); empty without one
};

// A CSV file whose header names the columns `path` and `label` (label is
// `live` or `spoof`), and optionally `source_set` (the capture source: a
// camera, room and set of people); other columns are ignored. Throws std::invalid_argument
// naming the file and line of the first problem.
std::vector<LabelledImage> read_liveness_labels(const std::filesystem::path& file);

// The unit that cross-validation holds out: the source_set, and for NUAA-style
// names also the capture session ("nuaa session 01"); without a source_set,
// the top-level folder (and session).
std::string capture_source(const LabelledImage& image);

// The capture session in a NUAA-style file name (ID_glasses_pos_session_pic),
// e.g. "01" for 0001_00_00_01_12.jpg; std::nullopt for other names.
std::optional<std::string> capture_session(const std::string& path);

}  // namespace portier
