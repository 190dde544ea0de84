#include "alert/alert_router.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/event.h"
#include "core/field_path.h"
#include "core/json_writer.h"

namespace vigil {
namespace {

constexpr auto kOutputFlushTimeout = std::chrono::seconds(10);

std::string string_at(const Value& doc, const FieldPath& path) {
  const Value* v = path.find(doc);
  if (v == nullptr) return {};
  if (v->is_string()) return v->as_string();
  if (v->is_number()) return to_json(*v);
  return {};
}

void write_strings(JsonObjectWriter& w, std::string_view key, const std::vector<std::string>& v,
                   const Sanitizer& sanitizer) {
  auto& out = w.raw_field(key);
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, sanitizer.sanitize_text(v[i]));
  }
  out.push_back(']');
}

}  // namespace

std::string new_alert_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // the RNG is broken: a bug, not input
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (size_t i = 0; i < sizeof(bytes); ++i) {
    id[2 * i] = kHex[bytes[i] >> 4];
    id[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return id;
}

AlertRouter::AlertRouter(const AlertsConfig& config, std::shared_ptr<const Sanitizer> sanitizer,
                         VigilMetrics* metrics, std::unique_ptr<AlertStore> store)
    : config_(config),
      sanitizer_(std::move(sanitizer)),
      metrics_(metrics),
      store_(std::move(store)),
      deduper_(int64_t{config.dedupe_window_s} * 1'000'000, config.max_tracked_groups) {
  if (store_) {
    refresh_active_threats();
    store_thread_ = std::thread([this] { store_loop(); });
  }
}

AlertRouter::~AlertRouter() {
  flush();
  {
    std::lock_guard lock(store_mu_);
    stopping_ = true;
  }
  store_wake_.notify_all();
  if (store_thread_.joinable()) store_thread_.join();
}

Result<void> AlertRouter::add_configured_outputs(const AlertsConfig& config) {
  for (const auto& oc : config.outputs) {
    auto output = make_alert_output(oc, metrics_);
    if (!output) return tl::unexpected(output.error());
    add_output(std::move(*output));
  }
  return {};
}

void AlertRouter::add_output(std::unique_ptr<AlertOutput> output) {
  std::lock_guard lock(outputs_mu_);
  outputs_.push_back(std::move(output));
}

void AlertRouter::fill_entity(Alert& alert) const {
  if (!alert.entity.empty() || alert.events.empty()) return;
  static const FieldPath kUser(canonical::kUser), kSourceIp(canonical::kSourceIp),
      kHost(canonical::kHost), kSession(canonical::kSession);
  const Value& doc = alert.events.front();
  alert.entity.user = string_at(doc, kUser);
  alert.entity.source_ip = string_at(doc, kSourceIp);
  alert.entity.host = string_at(doc, kHost);
  alert.entity.session = string_at(doc, kSession);
}

std::string AlertRouter::dedupe_key(const Alert& alert) const {
  const AlertEntity& e = alert.entity;
  std::string key = alert.rule_id.empty() ? alert.rule : alert.rule_id;
  for (const std::string* part : {&e.user, &e.source_ip, &e.host, &e.session}) {
    key += '\x1f';
    key += *part;
  }
  return key;
}

std::string AlertRouter::body_json(const Alert& alert) const {
  const Sanitizer& s = *sanitizer_;
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("rule_id", alert.rule_id);
  w.field("rule_name", s.sanitize_text(alert.rule));
  w.field("rule_title", s.sanitize_text(alert.title.empty() ? alert.rule : alert.title));
  w.field("severity", to_string(alert.severity));
  w.field("confidence", alert.confidence);
  w.field("description", s.sanitize_text(alert.description));
  w.field("timestamp", format_rfc3339(alert.time));
  {
    JsonObjectWriter entity(w.raw_field("entity"));
    const AlertEntity& e = alert.entity;
    if (!e.user.empty()) entity.field("user", s.sanitize_text(e.user));
    if (!e.source_ip.empty()) entity.field("source_ip", s.sanitize_text(e.source_ip));
    if (!e.host.empty()) entity.field("host", s.sanitize_text(e.host));
    if (!e.session.empty()) entity.field("session", s.sanitize_text(e.session));
    entity.close();
  }
  write_strings(w, "tags", alert.tags, s);
  write_strings(w, "references", alert.references, s);
  if (!alert.author.empty()) w.field("author", s.sanitize_text(alert.author));
  auto& events = w.raw_field("events");
  events.push_back('[');
  const size_t kept = std::min(alert.events.size(), size_t(config_.max_events_per_alert));
  for (size_t i = 0; i < kept; ++i) {
    if (i) events.push_back(',');
    Value doc = alert.events[i];
    s.sanitize(doc);
    append_json(events, doc);
  }
  events.push_back(']');
  if (!alert.context.is_null()) {
    Value context = alert.context;
    s.sanitize(context);
    w.field("context", context);
  }
  w.close();
  return fmt::to_string(out);
}

// A log line names the alert and whom it is about; its events and context
// stay in the store, the API and the JSON outputs (a replay raising 56 k
// alerts wrote 238 MB of log when each line held the whole alert).
std::string AlertRouter::summary_line(const Alert& alert, const std::string& id) const {
  const Sanitizer& s = *sanitizer_;
  std::string line = fmt::format("alert {} severity={} rule={:?}", id, to_string(alert.severity),
                                 s.sanitize_text(alert.rule));
  if (!alert.rule_id.empty()) line += fmt::format(" rule_id={}", s.sanitize_text(alert.rule_id));
  const AlertEntity& e = alert.entity;
  const std::pair<const char*, const std::string*> parts[] = {
      {"user", &e.user}, {"source_ip", &e.source_ip}, {"host", &e.host}, {"session", &e.session}};
  for (const auto& [name, value] : parts) {
    if (!value->empty()) line += fmt::format(" {}={:?}", name, s.sanitize_text(*value));
  }
  line += fmt::format(" time={} title={:?}", format_rfc3339(alert.time),
                      s.sanitize_text(alert.title.empty() ? alert.rule : alert.title));
  if (!alert.author.empty()) line += fmt::format(" author={:?}", s.sanitize_text(alert.author));
  return line;
}

void AlertRouter::prepare(Alert& alert) const {
  fill_entity(alert);
  alert.prepared_body = body_json(alert);
  alert.events.clear();
  alert.context = Value();
}

void AlertRouter::emit(Alert alert) {
  fill_entity(alert);
  DedupeDecision d;
  {
    std::lock_guard lock(dedupe_mu_);
    d = deduper_.admit(dedupe_key(alert), alert.time, new_alert_id());
  }
  if (!d.repeat) raised_.fetch_add(1, std::memory_order_relaxed);
  if (metrics_) {
    if (d.repeat) {
      metrics_->alerts_deduplicated.inc();
    } else {
      metrics_->record_alert(alert.rule, alert.severity);
    }
  }
  std::string body =
      alert.prepared_body.empty() ? body_json(alert) : std::move(alert.prepared_body);
  AlertRecord record{d.alert_id,   alert.rule,  alert.rule_id, alert.severity, AlertStatus::kOpen,
                     d.first_seen, d.last_seen, d.count,       std::move(body)};
  // Outputs hear of an alert once; its later count lives in the store and API.
  if (!d.repeat) {
    auto message = std::make_shared<const AlertMessage>(AlertMessage{
        alert_json(record), summary_line(alert, d.alert_id), alert.severity, alert.time});
    std::lock_guard lock(outputs_mu_);
    for (auto& output : outputs_) output->send(message);
  }
  if (!d.repeat) {
    for (const auto& observe : observers_) observe(alert, d.alert_id);
  }
  if (store_) queue_for_store(std::move(record));
}

void AlertRouter::queue_for_store(AlertRecord record) {
  {
    std::lock_guard lock(store_mu_);
    auto [it, inserted] = pending_.try_emplace(record.id, record);
    if (!inserted) {
      // Keep the earliest first_seen of a coalesced burst.
      record.first_seen = std::min(record.first_seen, it->second.first_seen);
      it->second = std::move(record);
    }
  }
  store_wake_.notify_one();
}

void AlertRouter::store_loop() {
  // The active-threat gauge is a count over the whole table: recounted at most
  // every kActiveThreatsRecount, not after every batch. (After every batch a
  // default replay of 1 M events, ~55 k alerts, spent a fifth of its CPU in
  // that count, and the more, the smaller the batches.)
  bool count_stale = false;
  auto next_count = std::chrono::steady_clock::now();
  const auto has_work = [&] { return stopping_ || !pending_.empty(); };
  std::unique_lock lock(store_mu_);
  while (true) {
    if (count_stale) {
      store_wake_.wait_until(lock, next_count, has_work);
    } else {
      store_wake_.wait(lock, has_work);
    }
    if (pending_.empty() && stopping_) break;
    std::vector<AlertRecord> batch;
    batch.reserve(pending_.size());
    for (auto& [id, r] : pending_) batch.push_back(std::move(r));
    pending_.clear();
    store_busy_ = true;
    lock.unlock();
    if (!batch.empty()) {
      if (auto r = store_->upsert(batch); !r) {
        spdlog::error("alerts not stored: {}", r.error().message);
      }
      count_stale = true;
    }
    if (count_stale && std::chrono::steady_clock::now() >= next_count) {
      refresh_active_threats();
      count_stale = false;
      next_count = std::chrono::steady_clock::now() + kActiveThreatsRecount;
    }
    lock.lock();
    store_busy_ = false;
    if (pending_.empty()) store_idle_.notify_all();
  }
  lock.unlock();
  if (count_stale) refresh_active_threats();
}

void AlertRouter::refresh_active_threats() {
  if (!metrics_ || !store_) return;
  if (auto n = store_->count_active_threats()) metrics_->active_threats.set(*n);
}

Result<AlertRecord> AlertRouter::set_status(const std::string& id, AlertStatus status) {
  if (!store_) return make_error(ErrorCode::kUnavailable, "alerts are not stored");
  flush_store();  // a status change must not race the alert's own first write
  auto r = store_->set_status(id, status);
  if (!r) return r;
  {
    std::lock_guard lock(dedupe_mu_);
    deduper_.forget(id);
  }
  refresh_active_threats();
  return r;
}

void AlertRouter::flush_store() {
  if (!store_thread_.joinable()) return;
  std::unique_lock lock(store_mu_);
  store_idle_.wait(lock, [&] { return pending_.empty() && !store_busy_; });
}

void AlertRouter::flush() {
  flush_store();
  refresh_active_threats();  // what was flushed counts at once, whatever the store thread's pace
  std::lock_guard lock(outputs_mu_);
  for (auto& output : outputs_) output->flush(kOutputFlushTimeout);
}

}  // namespace vigil
