#include "console/request_origin.h"

namespace portier {
namespace {

// "https://door:443/x?y" -> "https://door"; "https://door:8443/" -> "https://door:8443".
std::string origin_of(std::string_view url) {
  const auto slashes = url.find("//");
  if (slashes == std::string_view::npos) return std::string(url);
  std::string_view origin = url.substr(0, url.find_first_of("/?#", slashes + 2));
  if (origin.starts_with("https://") && origin.ends_with(":443")) origin.remove_suffix(4);
  return std::string(origin);
}

}  // namespace

std::optional<std::string> foreign_origin(std::string_view origin, std::string_view referer, std::string_view host) {
  const std::string_view claimed = !origin.empty() ? origin : referer;
  if (claimed.empty()) return std::nullopt;
  if (claimed == "null") return std::string("the request came from an opaque origin (\"null\")");
  const std::string expected = origin_of("https://" + std::string(host));
  const std::string got = origin_of(claimed);
  if (host.empty() || got != expected)
    return std::string(origin.empty() ? "Referer" : "Origin") + " " + got.substr(0, 100) + " is not this console's";
  return std::nullopt;
}

}  // namespace portier
