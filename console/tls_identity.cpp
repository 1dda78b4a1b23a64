#include "console/tls_identity.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

namespace portier {

namespace {

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Free<X509, X509_free>>;
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

const char* kCertName = "console-cert.pem";
const char* kKeyName = "console-key.pem";

}  // namespace

std::variant<TlsIdentity, std::string> ensure_self_signed(const std::filesystem::path& dir, const std::string& common_name) {
  TlsIdentity id{dir / kCertName, dir / kKeyName};
  std::error_code ec;
  if (std::filesystem::exists(id.cert_file, ec) && std::filesystem::exists(id.key_file, ec)) return id;
  std::filesystem::create_directories(dir, ec);

  Key key(EVP_EC_gen("P-256"));
  if (!key) return std::string("cannot make an EC key (OpenSSL)");
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return std::string("no randomness for the certificate's serial");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("portier"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::string san = "DNS:" + common_name;
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, san.c_str()}, {NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) return std::string("cannot add the certificate's extensions (OpenSSL)");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return std::string("cannot sign the certificate (OpenSSL)");

  // The key first, owner-only from its creation; the certificate last, so a
  // half-made pair is never taken for a whole one.
  const auto key_tmp = id.key_file.string() + ".tmp", cert_tmp = id.cert_file.string() + ".tmp";
  {
    const mode_t old = umask(077);
    File f(std::fopen(key_tmp.c_str(), "w"));
    umask(old);
    if (!f || PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
      return "cannot write " + key_tmp;
  }
  {
    File f(std::fopen(cert_tmp.c_str(), "w"));
    if (!f || PEM_write_X509(f.get(), cert.get()) != 1) return "cannot write " + cert_tmp;
  }
  std::filesystem::rename(key_tmp, id.key_file, ec);
  if (!ec) std::filesystem::rename(cert_tmp, id.cert_file, ec);
  if (ec) return "cannot put the console's certificate in " + dir.string() + ": " + ec.message();
  return id;
}

std::string certificate_fingerprint(const std::filesystem::path& cert_file, std::string* error) {
  File f(std::fopen(cert_file.c_str(), "r"));
  if (!f) {
    *error = "cannot open " + cert_file.string();
    return {};
  }
  Cert cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    *error = cert_file.string() + " is not a PEM certificate";
    return {};
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert.get(), EVP_sha256(), md, &n);
  std::string out = "SHA256 ";
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
  return out;
}

}  // namespace portier
