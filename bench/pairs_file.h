#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace portier {

struct ImagePair {
  std::string first;
  std::string second;
  bool same = false;
};

// Lines "img1 img2 same" (same = 1 or 0), paths relative to the root folder;
// blank lines and lines starting with '#' are skipped. Throws
// std::invalid_argument naming the file and line of the first bad one.
std::vector<ImagePair> read_pairs_file(const std::filesystem::path& file);

}  // namespace portier
