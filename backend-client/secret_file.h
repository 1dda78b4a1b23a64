// Secrets (the bearer token, the MQTT client key, the command key) are files
// named in the config, e.g. /etc/portier/credentials/backend-token. Under
// systemd the unit's LoadCredential= hands the service a private copy of
// that directory; when $CREDENTIALS_DIRECTORY holds one, it is used instead.
// A secret's content never appears in a log line or an error message.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

namespace portier {

// The file to read for a configured secret path: the service's credential
// copy ($CREDENTIALS_DIRECTORY/portier_<file name>) if there is one, else
// the path itself.
std::filesystem::path secret_path(const std::filesystem::path& configured);

struct Secret {
  std::string value;
};

// The secret's content without trailing whitespace, or why it cannot be had
// (missing, unreadable, empty) naming the file but not the content.
std::variant<Secret, std::string> read_secret(const std::filesystem::path& configured);

}  // namespace portier
