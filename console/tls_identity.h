// The console's TLS certificate: the installer's own (console.cert_file and
// key_file), or, with none given, a key and self-signed certificate made at
// the first start and kept in the state folder. Its SHA-256 fingerprint is
// what `portier doctor` prints, so the installer can check what the browser
// is shown.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>

namespace portier {

struct TlsIdentity {
  std::filesystem::path cert_file, key_file;
};

// Makes an EC P-256 key and a self-signed certificate for `common_name`
// (10 years, SAN DNS common_name) in `dir` if they are not there yet; the
// key is written owner-only. The files, or why it failed.
std::variant<TlsIdentity, std::string> ensure_self_signed(const std::filesystem::path& dir, const std::string& common_name);
// "SHA256 AB:CD:..." of a PEM certificate; empty, with `error` set, when it cannot be read.
std::string certificate_fingerprint(const std::filesystem::path& cert_file, std::string* error);

}  // namespace portier
