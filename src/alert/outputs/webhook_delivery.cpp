#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "alert/outputs/deliveries.h"

namespace vigil {
namespace {

constexpr int kMaxBackoffMs = 30'000;

size_t discard_body(char*, size_t size, size_t n, void*) {
  return size * n;
}

bool retryable(long status) {
  return status == 0 || status == 429 || status >= 500;
}

}  // namespace

Result<std::unique_ptr<AlertDelivery>> WebhookDelivery::create(const AlertOutputConfig& config) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<WebhookDelivery> d(new WebhookDelivery(config));
  d->curl_ = curl_easy_init();
  if (!d->curl_) return make_error(ErrorCode::kIo, "webhook: cannot initialise libcurl");
  d->headers_ = curl_slist_append(d->headers_, "Content-Type: application/json");
  for (const auto& [name, value] : config.headers) {
    d->headers_ = curl_slist_append(d->headers_, fmt::format("{}: {}", name, value).c_str());
  }
  if (!config.bearer_token_env.empty()) {
    const char* token = std::getenv(config.bearer_token_env.c_str());
    if (!token || !*token) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("webhook {}: environment variable {} is not set", config.name,
                                    config.bearer_token_env));
    }
    d->headers_ =
        curl_slist_append(d->headers_, fmt::format("Authorization: Bearer {}", token).c_str());
  }
  CURL* c = d->curl_;
  curl_easy_setopt(c, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, d->headers_);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  return std::unique_ptr<AlertDelivery>(std::move(d));
}

WebhookDelivery::~WebhookDelivery() {
  curl_slist_free_all(headers_);
  if (curl_) curl_easy_cleanup(curl_);
}

long WebhookDelivery::post_once(const std::string& body) {
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  const CURLcode rc = curl_easy_perform(curl_);
  if (rc != CURLE_OK) {
    spdlog::warn("webhook {}: {}", config_.name, curl_easy_strerror(rc));
    return 0;
  }
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

bool WebhookDelivery::deliver(const AlertMessage& message) {
  int backoff_ms = std::max(1, config_.retry_backoff_ms);
  for (int attempt = 0;; ++attempt) {
    const long status = post_once(message.json);
    if (status >= 200 && status < 300) return true;
    if (!retryable(status) || attempt >= config_.max_retries) {
      spdlog::error("webhook {}: alert not delivered (last status {}, {} attempts)", config_.name,
                    status, attempt + 1);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
  }
}

}  // namespace vigil
