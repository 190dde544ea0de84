#include "intel/feed_fetcher.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "intel/api_feed.h"
#include "intel/stix_feed_reader.h"

namespace vigil::intel {
namespace {

// A feed name as a file name.
std::string file_name(std::string_view name) {
  std::string out;
  for (const char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return out;
}

Result<void> write_file(const std::filesystem::path& path, std::string_view body) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  if (!out) return make_error(ErrorCode::kIo, fmt::format("cannot write {}", path.string()));
  return {};
}

Result<HttpReply> get_ok(HttpRequest request, const std::string& url) {
  request.url = url;
  auto reply = http_fetch(request);
  if (!reply) return reply;
  if (reply->status != 200 && reply->status != 304) {
    return make_error(ErrorCode::kIo, fmt::format("{}: HTTP {}", redact_url(url), reply->status));
  }
  return reply;
}

}  // namespace

Result<void> check_usable(const FeedReport& report) {
  if (report.records == 0 && report.empty())
    return make_error(ErrorCode::kInvalidInput, "the feed is empty");
  if (report.empty() && !report.problems.empty()) {
    const auto& p = report.problems.front();
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("malformed: {} entries, none usable ({}{})", report.records,
                                  p.line > 0 ? fmt::format("line {}: ", p.line) : "", p.message));
  }
  return {};
}

FeedFetcher::FeedFetcher(IntelFeedConfig config, std::filesystem::path cache_dir)
    : config_(std::move(config)), cache_(cache_dir / file_name(config_.name)) {}

Result<HttpRequest> FeedFetcher::base_request(const std::atomic<bool>* abort) const {
  HttpRequest r;
  r.method = config_.method;
  r.body = config_.body;
  r.timeout_s = config_.timeout_s;
  r.abort = abort;
  for (const auto& [name, value] : config_.headers) r.headers.push_back(name + ": " + value);
  if (!config_.auth_header.empty()) {
    auto secret = secret_from_env(config_.auth_env);
    if (!secret) return tl::unexpected(secret.error());
    r.headers.push_back(config_.auth_header + ": " + *secret);
  }
  if (!config_.bearer_token_env.empty()) {
    auto token = secret_from_env(config_.bearer_token_env);
    if (!token) return tl::unexpected(token.error());
    r.headers.push_back("Authorization: Bearer " + *token);
  }
  if (!config_.username.empty()) {
    r.basic_user = config_.username;
    if (!config_.password_env.empty()) {
      auto password = secret_from_env(config_.password_env);
      if (!password) return tl::unexpected(password.error());
      r.basic_password = *password;
    }
  }
  if (config_.method == "POST" && config_.headers.count("Content-Type") == 0)
    r.headers.push_back("Content-Type: application/json");
  return r;
}

Result<FetchOutcome> FeedFetcher::fetch(const FeedOptions& options,
                                        const std::atomic<bool>* abort) {
  auto out = fetch_any(options, abort);
  if (!out) return out;
  if (auto usable = check_usable(out->report); !usable) return tl::unexpected(usable.error());
  return out;
}

Result<FetchOutcome> FeedFetcher::fetch_any(const FeedOptions& options,
                                            const std::atomic<bool>* abort) {
  if (!is_http_url(config_.location)) {
    if (config_.type == "taxii")
      return make_error(ErrorCode::kConfig, "a taxii feed needs an http(s) location");
    return fetch_file(options);
  }
  auto base = base_request(abort);
  if (!base) return tl::unexpected(base.error());
  if (config_.type == "taxii") return fetch_taxii(options, *base);
  if (config_.type == "api") return fetch_api(options, *base);
  if (config_.type == "misp") return fetch_misp(options, *base);
  return fetch_body(options, *base);
}

Result<FetchOutcome> FeedFetcher::fetch_file(const FeedOptions& options) const {
  FetchOutcome out;
  if (config_.type == "api") {
    auto text = read_text_file(config_.location);
    if (!text) return tl::unexpected(text.error());
    auto report = read_api_replies({*text}, config_, options);
    if (!report) return tl::unexpected(report.error());
    out.report = std::move(*report);
    finish_import(out.report, options);
    return out;
  }
  auto report = import_feed(config_.type, config_.location, options);
  if (!report) return tl::unexpected(report.error());
  out.report = std::move(*report);
  return out;
}

Result<FetchOutcome> FeedFetcher::fetch_body(const FeedOptions& options, const HttpRequest& base) {
  HttpRequest request = base;
  std::error_code ec;
  const bool cached = std::filesystem::exists(cache_, ec);
  if (cached) {
    request.if_none_match = etag_;
    request.if_modified_since = last_modified_;
  }
  auto reply = get_ok(request, config_.location);
  if (!reply) return tl::unexpected(reply.error());
  FetchOutcome out;
  if (reply->status == 304) {
    auto report = import_feed(config_.type, cache_, options);
    if (!report) return tl::unexpected(report.error());
    out.report = std::move(*report);
    out.not_modified = true;
    return out;
  }
  const auto fresh = cache_.string() + ".new";
  if (auto w = write_file(fresh, reply->body); !w) return tl::unexpected(w.error());
  auto report = import_feed(config_.type, fresh, options);
  if (!report) return tl::unexpected(report.error());
  // Only a usable body replaces the cached copy (and its validators).
  if (auto usable = check_usable(*report); !usable) return tl::unexpected(usable.error());
  std::filesystem::rename(fresh, cache_, ec);
  etag_ = reply->header("etag");
  last_modified_ = reply->header("last-modified");
  out.report = std::move(*report);
  return out;
}

Result<FetchOutcome> FeedFetcher::fetch_misp(const FeedOptions& options, const HttpRequest& base) {
  const std::string root =
      config_.location.ends_with("manifest.json")
          ? config_.location.substr(0, config_.location.size() - 13)
          : (config_.location.ends_with("/") ? config_.location : config_.location + "/");
  auto manifest = get_ok(base, root + "manifest.json");
  if (!manifest) return tl::unexpected(manifest.error());
  const auto doc = nlohmann::json::parse(manifest->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::kInvalidInput, "the MISP manifest is not a JSON object");
  const auto fresh = std::filesystem::path(cache_.string() + ".new");
  std::error_code ec;
  std::filesystem::remove_all(fresh, ec);
  if (auto w = write_file(fresh / "manifest.json", manifest->body); !w)
    return tl::unexpected(w.error());
  for (const auto& [uuid, entry] : doc.items()) {
    if (uuid.find_first_of("/\\.") != std::string::npos) continue;  // not a UUID: never a path
    auto event = get_ok(base, root + uuid + ".json");
    if (!event) return tl::unexpected(event.error());
    if (auto w = write_file(fresh / (uuid + ".json"), event->body); !w)
      return tl::unexpected(w.error());
  }
  auto report = import_feed("misp", fresh, options);
  if (!report) return tl::unexpected(report.error());
  if (auto usable = check_usable(*report); !usable) return tl::unexpected(usable.error());
  std::filesystem::remove_all(cache_, ec);
  std::filesystem::rename(fresh, cache_, ec);
  FetchOutcome out;
  out.report = std::move(*report);
  return out;
}

Result<FetchOutcome> FeedFetcher::fetch_taxii(const FeedOptions& options, const HttpRequest& base) {
  TaxiiState next = taxii_;
  auto poll = poll_taxii(config_, base, next);
  if (!poll) return tl::unexpected(poll.error());
  auto report = StixFeedReader(options).parse(taxii_bundle(next));
  if (!report) return tl::unexpected(report.error());
  finish_import(*report, options);
  if (auto usable = check_usable(*report); !usable) return tl::unexpected(usable.error());
  taxii_ = std::move(next);
  FetchOutcome out;
  out.report = std::move(*report);
  out.not_modified = poll->objects == 0;
  return out;
}

Result<FetchOutcome> FeedFetcher::fetch_api(const FeedOptions& options,
                                            const HttpRequest& base) const {
  auto pages = fetch_api_pages(config_, base);
  if (!pages) return tl::unexpected(pages.error());
  auto report = read_api_replies(*pages, config_, options);
  if (!report) return tl::unexpected(report.error());
  FetchOutcome out;
  out.report = std::move(*report);
  finish_import(out.report, options);
  return out;
}

}  // namespace vigil::intel
