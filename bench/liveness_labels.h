#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace portier {

struct LabelledImage {
  std::string path;  // relative to the data root
  bool live = false;
  std::string source;  // where the image was captured (the source_set column); empty without one
  std::string attack{};  // the attack_type column (print, replay, ...; none for live); empty without one
};

// A CSV file whose header names the columns `path` and `label` (label is
// `live` or `spoof`), and optionally `source_set` (the capture source: a
// camera, room and set of people) and `attack_type`; other columns are ignored. Throws std::invalid_argument
// naming the file and line of the first problem.
std::vector<LabelledImage> read_liveness_labels(const std::filesystem::path& file);

// The unit that cross-validation holds out: the source_set, or without one
// the top-level folder. A whole capture condition: NUAA's two sessions share
// their office, webcam and people, so they are one source, not two (held
// out by session, a model still trained on the other session of the same
// room, and its figures did not hold in another room).
std::string capture_source(const LabelledImage& image);

}  // namespace portier
