#include "intel/http_fetch.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/strings.h"

namespace vigil::intel {
namespace {

struct Sink {
  HttpReply* reply;
  size_t max_bytes;
  bool too_big = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * n;
  if (sink->reply->body.size() + bytes > sink->max_bytes) {
    sink->too_big = true;
    return 0;  // aborts the transfer
  }
  sink->reply->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) sink->reply->headers.clear();  // a new response (redirect)
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    sink->reply->headers[ascii_lower(trim(line.substr(0, colon)))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abort = static_cast<const std::atomic<bool>*>(user);
  return abort != nullptr && abort->load() ? 1 : 0;
}

}  // namespace

std::string HttpReply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool is_http_url(std::string_view location) {
  const std::string lower = ascii_lower(location.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  if (ref.empty() || is_http_url(ref)) return std::string(ref);
  const size_t scheme = base.find("://");
  const size_t path = scheme == std::string_view::npos ? 0 : base.find('/', scheme + 3);
  const std::string_view origin = path == std::string_view::npos ? base : base.substr(0, path);
  if (ref.front() == '/') return std::string(origin) + std::string(ref);
  std::string_view dir = base.substr(0, base.find_first_of("?#"));
  if (path == std::string_view::npos) return std::string(dir) + "/" + std::string(ref);
  dir = dir.substr(0, dir.rfind('/') + 1);
  return std::string(dir) + std::string(ref);
}

std::string redact_url(std::string_view url) {
  std::string out(url.substr(0, url.find_first_of("?#")));
  const size_t scheme = out.find("://");
  const size_t at = out.find('@');
  const size_t slash = scheme == std::string::npos ? 0 : out.find('/', scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos && at < slash) {
    out.erase(scheme + 3, at - scheme - 2);
  }
  return out;
}

Result<std::string> secret_from_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') {
    return make_error(ErrorCode::kConfig, fmt::format("environment variable {} is not set", name));
  }
  return std::string(v);
}

Result<HttpReply> http_fetch(const HttpRequest& request) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return make_error(ErrorCode::kIo, "cannot initialise libcurl");
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  if (!request.if_none_match.empty())
    headers = curl_slist_append(headers, ("If-None-Match: " + request.if_none_match).c_str());
  if (!request.if_modified_since.empty()) {
    headers =
        curl_slist_append(headers, ("If-Modified-Since: " + request.if_modified_since).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, &curl_slist_free_all);
  HttpReply reply;
  Sink sink{&reply, request.max_bytes};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_s);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(request.timeout_s, 30L));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when offered
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  if (request.abort != nullptr) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, request.abort);
  }
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  if (!request.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, request.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.basic_password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (sink.too_big) {
    return make_error(ErrorCode::kIo, fmt::format("{}: reply larger than {} bytes",
                                                  redact_url(request.url), request.max_bytes));
  }
  if (rc != CURLE_OK) {
    return make_error(ErrorCode::kIo,
                      fmt::format("{}: {}", redact_url(request.url), curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace vigil::intel
