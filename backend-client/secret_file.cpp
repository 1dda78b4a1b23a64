#include "backend-client/secret_file.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace portier {

std::filesystem::path secret_path(const std::filesystem::path& configured) {
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
    // LoadCredential=portier:/etc/portier/credentials names each file portier_<name>.
    const auto copy = std::filesystem::path(dir) / ("portier_" + configured.filename().string());
    std::error_code ec;
    if (std::filesystem::is_regular_file(copy, ec)) return copy;
  }
  return configured;
}

std::variant<Secret, std::string> read_secret(const std::filesystem::path& configured) {
  const auto file = secret_path(configured);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::string("secret file " + file.string() + " does not exist");
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::string("secret file " + file.string() + " cannot be read (is it readable by the portier user?)");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' ' ||
                              content.back() == '\t'))
    content.pop_back();
  if (content.empty()) return std::string("secret file " + file.string() + " is empty");
  return Secret{std::move(content)};
}

}  // namespace portier
