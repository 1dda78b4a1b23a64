#include "models/model_files.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

namespace portier {

std::optional<std::string> sha256_of_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::optional<std::string> model_file_problem(const std::filesystem::path& dir, const ModelFile& model) {
  const auto file = dir / model.name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return "model file " + file.string() + " is missing (scripts/setup.sh installs the models)";
  const auto digest = sha256_of_file(file);
  if (!digest) return "model file " + file.string() + " cannot be read";
  if (*digest != model.sha256)
    return "model file " + file.string() + " is corrupt: sha256 " + *digest + ", expected " + std::string(model.sha256);
  return std::nullopt;
}

}  // namespace portier
