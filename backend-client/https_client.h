#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "backend-client/backend_config.h"

namespace portier {

struct HttpsOptions {
  std::string base_url;            // https://host[:port]; plain http is refused by the config
  std::filesystem::path ca_file;   // the server's certificate must chain to this
  std::string bearer_token;        // sent as Authorization: Bearer; never logged
  std::chrono::milliseconds connect_timeout{3000};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string etag;  // the ETag header, as sent (quotes kept); empty: none
};

// The options for backend.url: the token read from backend.token_file, the
// CA file where the service finds it; or why not ("backend.token_file: ...").
std::variant<HttpsOptions, std::string> https_options(const HttpsBackendConfig& config);

// One connection to the backend, kept alive between requests (libcurl).
// Not thread-safe: each thread that talks to the backend owns a client.
class HttpsClient {
 public:
  explicit HttpsClient(HttpsOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // The response, or why there is none (connection, TLS, timeout, too large).
  // A non-2xx status is a response, not an error: the caller decides.
  std::variant<HttpResponse, std::string> post_json(const std::string& path, const std::string& body,
                                                    std::chrono::milliseconds timeout, size_t max_reply);
  // `if_none_match`: an ETag from an earlier reply; the server may answer 304.
  std::variant<HttpResponse, std::string> get(const std::string& path, std::chrono::milliseconds timeout,
                                              size_t max_reply, const std::string& if_none_match = "");

 private:
  std::variant<HttpResponse, std::string> perform(const std::string& path, const std::string* body,
                                                  std::chrono::milliseconds timeout, size_t max_reply,
                                                  const std::string& if_none_match = "");
  HttpsOptions options_;
  void* curl_;  // CURL*, kept out of this header
};

}  // namespace portier
