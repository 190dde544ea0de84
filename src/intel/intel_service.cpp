#include "intel/intel_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unordered_map>

#include "intel/http_fetch.h"

namespace vigil::intel {
namespace {

constexpr int64_t kMicros = 1'000'000;
// The thread looks at its queue and schedule at least this often.
constexpr auto kMaxSleep = std::chrono::seconds(30);
constexpr auto kInternalBatchDelay = std::chrono::milliseconds(200);

std::vector<FieldPath> paths(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

Result<Lifetimes> configured_lifetimes(const IntelConfig& config) {
  Lifetimes l;
  for (const auto& [name, seconds] : config.lifetimes_s) {
    std::vector<IndicatorType> types;
    if (name == "ip") {
      types = {IndicatorType::kIpv4, IndicatorType::kIpv6};
    } else if (name == "hash") {
      types = {IndicatorType::kMd5, IndicatorType::kSha1, IndicatorType::kSha256,
               IndicatorType::kSha512};
    } else if (auto t = parse_indicator_type(name)) {
      types = {*t};
    } else {
      return make_error(ErrorCode::kConfig,
                        fmt::format("intel.lifetimes: unknown indicator type '{}'", name));
    }
    for (auto t : types) l.set(t, seconds);
  }
  return l;
}

Result<FeedOptions> feed_options(const IntelFeedConfig& f, const Lifetimes& lifetimes) {
  FeedOptions o;
  o.source = f.name;
  const auto severity = parse_severity(f.severity);
  if (!severity) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("intel feed {}: unknown severity '{}'", f.name, f.severity));
  }
  o.severity = *severity;
  o.confidence = f.confidence;
  o.tags = f.tags;
  o.lifetimes = lifetimes;
  if (f.lifetime_s > 0) {
    for (int t = 0; t < kIndicatorTypeCount; ++t)
      o.lifetimes.set(static_cast<IndicatorType>(t), f.lifetime_s);
  }
  if (!f.indicator_type.empty()) {
    o.type = parse_indicator_type(f.indicator_type);
    if (!o.type) {
      return make_error(
          ErrorCode::kConfig,
          fmt::format("intel feed {}: unknown indicator_type '{}'", f.name, f.indicator_type));
    }
  }
  o.domains_include_subdomains = f.include_subdomains;
  if (f.type == "csv") {
    auto preset = csv_preset(f.preset);
    if (!preset) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("intel feed {}: unknown csv preset '{}'", f.name, f.preset));
    }
    o.csv = std::move(*preset);
  }
  return o;
}

Result<Allowlist> configured_allowlist(const IntelConfig& config) {
  Allowlist a = config.default_allowlist ? Allowlist::with_defaults() : Allowlist();
  for (const auto& v : config.allowlist) {
    if (auto ok = a.add(v); !ok) {
      return make_error(ErrorCode::kConfig, fmt::format("intel.allowlist: {}", ok.error().message));
    }
  }
  return a;
}

}  // namespace

IntelService::IntelService(const IntelConfig& config, Options options)
    : config_(config), options_(std::move(options)) {}

Result<std::unique_ptr<IntelService>> IntelService::create(const IntelConfig& config,
                                                           Options options) {
  std::unique_ptr<IntelService> s(new IntelService(config, std::move(options)));
  if (auto ok = s->init(); !ok) return tl::unexpected(ok.error());
  return s;
}

Result<void> IntelService::init() {
  auto lifetimes = configured_lifetimes(config_);
  if (!lifetimes) return tl::unexpected(lifetimes.error());
  lifetimes_ = *lifetimes;
  auto allowlist = configured_allowlist(config_);
  if (!allowlist) return tl::unexpected(allowlist.error());
  if (options_.registry == nullptr) {
    own_registry_ = std::make_unique<metrics::Registry>();
    options_.registry = own_registry_.get();
  }
  metrics_ = std::make_unique<IntelMetrics>(*options_.registry);
  store_ = std::make_shared<IndicatorStore>(std::move(*allowlist));
  store_->count_suppressed_in(&metrics_->suppressed);
  matcher_ = std::make_shared<IntelMatcher>(
      store_,
      MatchFields{paths(config_.ip_fields), paths(config_.domain_fields), paths(config_.url_fields),
                  paths(config_.hash_fields), paths(config_.email_fields)},
      &metrics_->matches);

  const std::filesystem::path dir = options_.data_dir;
  const auto file = dir / kIntelDbFile;
  std::error_code ec;
  if (options_.persist) std::filesystem::create_directories(dir, ec);
  if (options_.persist || std::filesystem::exists(file, ec)) {
    auto db = IntelDatabase::open(file);
    if (!db) return tl::unexpected(db.error());
    const Timestamp now = Timestamp::now();
    if (options_.persist) {
      if (auto purged = db->delete_expired(now); !purged) return tl::unexpected(purged.error());
    }
    auto loaded = db->load_into(*store_);
    if (!loaded) return tl::unexpected(loaded.error());
    store_->purge_expired(now);
    spdlog::info("intel: {} indicators loaded from {}", store_->size(), file.string());
    if (options_.persist) db_ = std::move(*db);
  }
  for (const auto& fc : config_.feeds) {
    auto options = feed_options(fc, lifetimes_);
    if (!options) return tl::unexpected(options.error());
    feeds_.push_back(Feed{std::make_unique<FeedFetcher>(fc, dir / "intel-feeds"),
                          std::move(*options), Timestamp{}});
    FeedStatus st;
    st.name = fc.name;
    st.type = fc.type;
    st.location = is_http_url(fc.location) ? redact_url(fc.location) : fc.location;
    st.schedule_s = fc.schedule_s;
    if (auto held = store_->source(fc.name)) st.indicators = held->size();
    status_.push_back(std::move(st));
  }
  update_gauge();
  return {};
}

IntelService::~IntelService() {
  stop();
}

void IntelService::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void IntelService::stop() {
  {
    std::lock_guard lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  apply_internal();
}

Result<void> IntelService::persist(const std::function<Result<void>(IntelDatabase&)>& write) {
  std::lock_guard lock(db_mu_);
  if (!db_) return {};
  return write(*db_);
}

std::optional<LookupResult> IntelService::lookup(std::string_view value,
                                                 std::optional<IndicatorType> type) const {
  return store_->lookup(value, type, Timestamp::now());
}

Result<Indicator> IntelService::add_manual(Indicator indicator) {
  const Timestamp now = Timestamp::now();
  indicator.source = std::string(kManualSource);
  if (indicator.first_seen.micros == 0) indicator.first_seen = now;
  if (indicator.last_seen.micros == 0) indicator.last_seen = now;
  if (indicator.valid_until.micros == 0)
    indicator.valid_until = Timestamp{now.micros + config_.manual_lifetime_s * kMicros};
  if (indicator.valid_until <= now)
    return make_error(ErrorCode::kInvalidInput, "valid_until is in the past");
  if (auto ok = persist([&](IntelDatabase& db) { return db.upsert({indicator}); }); !ok)
    return tl::unexpected(ok.error());
  store_->upsert(indicator.source, {indicator});
  update_gauge();
  return indicator;
}

Result<std::optional<Indicator>> IntelService::remove(std::string_view id) {
  auto removed = store_->remove(id);
  if (!removed) return std::optional<Indicator>();
  if (auto ok = persist([&](IntelDatabase& db) { return db.remove(*removed); }); !ok) {
    store_->upsert(removed->source, {*removed});  // memory and file stay the same
    return tl::unexpected(ok.error());
  }
  update_gauge();
  return removed;
}

std::vector<FeedStatus> IntelService::feeds() const {
  std::lock_guard lock(status_mu_);
  return status_;
}

void IntelService::record_failure(size_t index, const std::string& error) {
  const auto& name = status_[index].name;
  spdlog::error("intel feed {}: refresh failed, keeping its last good data: {}", name, error);
  metrics_->feed_refresh(name, IntelMetrics::Refresh::kFailed).inc();
  metrics_->feed_failing.at(metrics_->feeds.intern(name)).set(1);
  std::lock_guard lock(status_mu_);
  status_[index].last_error = error;
  ++status_[index].consecutive_failures;
}

Result<void> IntelService::refresh(const std::string& name) {
  std::lock_guard refresh_lock(refresh_mu_);
  const auto it = std::find_if(status_.begin(), status_.end(),
                               [&](const FeedStatus& s) { return s.name == name; });
  if (it == status_.end())
    return make_error(ErrorCode::kNotFound, fmt::format("no intel feed '{}'", name));
  const size_t i = static_cast<size_t>(it - status_.begin());
  Feed& feed = feeds_[i];
  const Timestamp now = Timestamp::now();
  {
    std::lock_guard lock(status_mu_);
    status_[i].last_attempt = now;
  }
  feed.options.now = now;
  auto outcome = feed.fetcher->fetch(feed.options, &stopping_);
  Result<void> saved;
  if (outcome) {
    saved = persist([&](IntelDatabase& db) { return db.replace_source(*outcome->report.feed()); });
  }
  if (!outcome || !saved) {
    const std::string error = !outcome ? outcome.error().message : saved.error().message;
    record_failure(i, error);
    return make_error(ErrorCode::kIo, error);
  }
  const FeedReport& r = outcome->report;
  const size_t count = r.size();
  store_->replace_packed({r.feed()});
  update_gauge();
  metrics_
      ->feed_refresh(name, outcome->not_modified ? IntelMetrics::Refresh::kNotModified
                                                 : IntelMetrics::Refresh::kOk)
      .inc();
  metrics_->feed_failing.at(metrics_->feeds.intern(name)).set(0);
  spdlog::info("intel feed {}: {} indicators ({} entries, {} skipped){}", name, count, r.records,
               r.skipped_total(), outcome->not_modified ? ", not modified" : "");
  std::lock_guard lock(status_mu_);
  FeedStatus& st = status_[i];
  st.last_success = now;
  st.last_error.clear();
  st.consecutive_failures = 0;
  st.not_modified = outcome->not_modified;
  st.indicators = count;
  st.records = r.records;
  st.skipped = r.skipped_total();
  st.problems = r.problems.size();
  return {};
}

size_t IntelService::purge(Timestamp now) {
  const size_t removed = store_->purge_expired(now);
  if (auto ok = persist([&](IntelDatabase& db) -> Result<void> {
        auto n = db.delete_expired(now);
        if (!n) return tl::unexpected(n.error());
        return {};
      });
      !ok) {
    spdlog::error("intel: purging expired indicators from intel.db: {}", ok.error().message);
  }
  if (removed > 0) {
    metrics_->purged.inc(removed);
    spdlog::info("intel: {} expired indicators purged", removed);
  }
  update_gauge();
  return removed;
}

void IntelService::on_alert(const Alert& alert, const std::string& alert_id) {
  const IntelInternalConfig& c = config_.internal;
  if (!c.enabled || alert.rule == kIntelRuleName || alert.entity.source_ip.empty()) return;
  const auto min = parse_severity(c.min_severity).value_or(Severity::kHigh);
  if (alert.severity < min) return;
  const bool listed = std::find(c.rules.begin(), c.rules.end(), alert.rule) != c.rules.end();
  // Behavioural and ML anomalies say a user did something unusual, not that
  // the address is hostile: a traveller's hotel or a new VPN exit would
  // otherwise raise threat_intel_match on every later event from it, from
  // every user, for the indicator's whole lifetime.
  const bool anomaly = alert.detector != DetectorKind::kRule;
  if (c.rules.empty() ? anomaly : !listed) return;
  const auto address = IpPrefix::parse(alert.entity.source_ip);
  if (!address || !address->is_host()) return;
  Indicator ind;
  ind.value = address->to_string();
  ind.type = address->v6 ? IndicatorType::kIpv6 : IndicatorType::kIpv4;
  ind.source = std::string(kInternalSource);
  ind.severity = alert.severity;
  ind.confidence = c.confidence;
  ind.first_seen = alert.time;
  ind.last_seen = alert.time;
  ind.valid_until = Timestamp{Timestamp::now().micros + c.lifetime_s * kMicros};
  ind.tags = {"vigil", alert.rule};
  ind.description = fmt::format("flagged by vigil's {} alert", alert.rule);
  ind.reference = "alert:" + alert_id;
  {
    std::lock_guard lock(wake_mu_);
    internal_queue_.push_back(std::move(ind));
  }
  wake_.notify_one();
}

void IntelService::apply_internal() {
  std::deque<Indicator> queued;
  {
    std::lock_guard lock(wake_mu_);
    queued.swap(internal_queue_);
  }
  if (queued.empty()) return;
  // A repeat (held, or earlier in this batch) keeps the earliest sighting and
  // the highest severity.
  IndicatorPositions batch;  // (type, value) -> position in `merged`
  std::vector<Indicator> merged;
  for (Indicator& ind : queued) {
    auto [at, added] = batch.try_emplace({ind.type, ind.value}, merged.size());
    if (added) {
      merged.push_back(std::move(ind));
      continue;
    }
    Indicator& kept = merged[at->second];
    ind.first_seen = std::min(ind.first_seen, kept.first_seen);
    ind.severity = std::max(ind.severity, kept.severity);
    kept = std::move(ind);
  }
  if (auto held = store_->source(kInternalSource)) {
    for (size_t i = 0; i < held->size(); ++i) {
      const IndicatorRef old = (*held)[i];
      auto at = batch.find(IndicatorKey{old.type(), std::string(old.value())});
      if (at == batch.end()) continue;
      Indicator& ind = merged[at->second];
      ind.first_seen = std::min(ind.first_seen, old.first_seen());
      ind.severity = std::max(ind.severity, old.severity());
    }
  }
  if (auto ok = persist([&](IntelDatabase& db) { return db.upsert(merged); }); !ok) {
    spdlog::error("intel: storing {} internal indicators: {}", merged.size(), ok.error().message);
  }
  metrics_->internal.inc(queued.size());
  store_->upsert(std::string(kInternalSource), std::move(merged));
  update_gauge();
}

Timestamp IntelService::refresh_due(Timestamp now) {
  Timestamp next{now.micros + config_.purge_interval_s * kMicros};
  if (!options_.feeds) return next;
  for (size_t i = 0; i < feeds_.size() && !stopping_; ++i) {
    Feed& feed = feeds_[i];
    if (feed.next_due <= now) {
      (void)refresh(status_[i].name);
      feed.next_due = Timestamp{Timestamp::now().micros + status_[i].schedule_s * kMicros};
      std::lock_guard lock(status_mu_);
      status_[i].next_refresh = feed.next_due;
    }
    next = std::min(next, feed.next_due);
  }
  return next;
}

void IntelService::run() {
  Timestamp next_purge{Timestamp::now().micros + config_.purge_interval_s * kMicros};
  while (!stopping_) {
    apply_internal();
    Timestamp now = Timestamp::now();
    if (now >= next_purge) {
      purge(now);
      next_purge = Timestamp{now.micros + config_.purge_interval_s * kMicros};
    }
    const Timestamp next = std::min(refresh_due(now), next_purge);
    now = Timestamp::now();
    const auto sleep = std::min<std::chrono::microseconds>(
        std::chrono::microseconds(std::max<int64_t>(next.micros - now.micros, 0)), kMaxSleep);
    std::unique_lock lock(wake_mu_);
    wake_.wait_for(lock, sleep, [&] { return stopping_.load() || !internal_queue_.empty(); });
    // An alert storm queues many indicators: gather them for a moment, so the
    // internal source is rebuilt once per batch rather than once per alert.
    if (!stopping_) wake_.wait_for(lock, kInternalBatchDelay, [&] { return stopping_.load(); });
  }
}

}  // namespace vigil::intel
