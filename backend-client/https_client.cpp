#include "backend-client/https_client.h"

#include <cctype>
#include <string_view>

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

#include <fmt/format.h>

#include "backend-client/secret_file.h"

namespace portier {
namespace {

struct Sink {
  std::string body;
  size_t limit = 0;
  bool overflow = false;
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

// Keeps the ETag header of the reply (the name in any case, the value trimmed).
size_t on_header(char* data, size_t size, size_t count, void* user) {
  const size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "etag:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size(); ++i)
      match = match && std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) {
      auto value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
      *static_cast<std::string*>(user) = std::string(value.substr(0, 256));
    }
  }
  return n;
}

using Headers = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

std::variant<HttpsOptions, std::string> https_options(const HttpsBackendConfig& config) {
  auto token = read_secret(config.token_file);
  if (auto* why = std::get_if<std::string>(&token)) return "backend.token_file: " + *why;
  return HttpsOptions{config.url, secret_path(config.ca_file), std::get<Secret>(token).value, config.connect_timeout};
}

HttpsClient::HttpsClient(HttpsOptions options) : options_(std::move(options)) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("libcurl could not be initialised");
}

HttpsClient::~HttpsClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::variant<HttpResponse, std::string> HttpsClient::post_json(const std::string& path, const std::string& body,
                                                               std::chrono::milliseconds timeout, size_t max_reply) {
  return perform(path, &body, timeout, max_reply);
}

std::variant<HttpResponse, std::string> HttpsClient::get(const std::string& path, std::chrono::milliseconds timeout,
                                                         size_t max_reply, const std::string& if_none_match) {
  return perform(path, nullptr, timeout, max_reply, if_none_match);
}

std::variant<HttpResponse, std::string> HttpsClient::perform(const std::string& path, const std::string* body,
                                                             std::chrono::milliseconds timeout, size_t max_reply,
                                                             const std::string& if_none_match) {
  auto* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // keeps the connection cache: the TLS session is reused
  const std::string url = options_.base_url + path;
  Sink sink{{}, max_reply, false};
  const std::string auth = "Authorization: Bearer " + options_.bearer_token;
  Headers headers(nullptr, curl_slist_free_all);
  headers.reset(curl_slist_append(headers.release(), auth.c_str()));
  headers.reset(curl_slist_append(headers.release(), "Accept: application/json"));
  if (body) headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
  // A header value must not smuggle a second header in.
  const bool plain_tag = if_none_match.find_first_of("\r\n") == std::string::npos;
  const std::string condition = "If-None-Match: " + if_none_match;
  if (!if_none_match.empty() && plain_tag) headers.reset(curl_slist_append(headers.release(), condition.c_str()));
  std::string etag;

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &etag);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could take the token elsewhere
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  if (sink.overflow) return fmt::format("{}: reply is larger than {} bytes", url, max_reply);
  if (rc != CURLE_OK) return fmt::format("{}: {}", url, curl_easy_strerror(rc));
  HttpResponse response;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(sink.body);
  response.etag = std::move(etag);
  return response;
}

}  // namespace portier
