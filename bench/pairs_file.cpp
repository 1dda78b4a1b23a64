#include "bench/pairs_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace portier {

std::vector<ImagePair> read_pairs_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("pairs file " + file.string() + " cannot be read");
  std::vector<ImagePair> pairs;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    std::istringstream fields(line);
    ImagePair pair;
    std::string same, extra;
    if (!(fields >> pair.first >> pair.second >> same) || (fields >> extra) || (same != "0" && same != "1"))
      throw std::invalid_argument("pairs file " + file.string() + ":" + std::to_string(number) +
                                  ": expected 'img1 img2 same' with same = 1 or 0, got '" + line + "'");
    pair.same = same == "1";
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty()) throw std::invalid_argument("pairs file " + file.string() + " holds no pairs");
  return pairs;
}

}  // namespace portier
