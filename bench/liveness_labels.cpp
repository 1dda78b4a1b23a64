#include "bench/liveness_labels.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace portier {
namespace {

std::vector<std::string> split_csv_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

}  // namespace

std::vector<LabelledImage> read_liveness_labels(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("labels file " + file.string() + " cannot be read");
  std::string line;
  if (!std::getline(in, line)) throw std::invalid_argument("labels file " + file.string() + " is empty");
  const auto header = split_csv_line(line);
  int path_column = -1, label_column = -1, source_column = -1, attack_column = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "path") path_column = static_cast<int>(i);
    if (header[i] == "label") label_column = static_cast<int>(i);
    if (header[i] == "source_set") source_column = static_cast<int>(i);
    if (header[i] == "attack_type") attack_column = static_cast<int>(i);
  }
  if (path_column < 0 || label_column < 0)
    throw std::invalid_argument("labels file " + file.string() + ":1: the header must name the columns 'path' and 'label'");
  const auto needed = static_cast<size_t>(std::max({path_column, label_column, source_column, attack_column}));
  std::vector<LabelledImage> out;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto fields = split_csv_line(line);
    const auto where = "labels file " + file.string() + ":" + std::to_string(number) + ": ";
    if (fields.size() <= needed) throw std::invalid_argument(where + "too few columns in '" + line + "'");
    const std::string& path = fields[static_cast<size_t>(path_column)];
    const std::string& label = fields[static_cast<size_t>(label_column)];
    if (path.empty()) throw std::invalid_argument(where + "the path is empty");
    if (label != "live" && label != "spoof")
      throw std::invalid_argument(where + "label must be 'live' or 'spoof', got '" + label + "'");
    out.push_back({path, label == "live", source_column < 0 ? std::string() : fields[static_cast<size_t>(source_column)],
                   attack_column < 0 ? std::string() : fields[static_cast<size_t>(attack_column)]});
  }
  if (out.empty()) throw std::invalid_argument("labels file " + file.string() + " lists no images");
  return out;
}

std::string capture_source(const LabelledImage& image) {
  std::string source = image.source;
  if (source.empty()) {
    const auto slash = image.path.find('/');
    source = slash == std::string::npos ? std::string(".") : image.path.substr(0, slash);
  }
  return source;
}

}  // namespace portier
