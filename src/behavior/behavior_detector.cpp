#include "behavior/behavior_detector.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>

#include "behavior/baseline_codec.h"

namespace vigil::behavior {
namespace {

std::string title_of(std::string_view type) {
  std::string t(type);
  std::replace(t.begin(), t.end(), '_', ' ');
  if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  return t;
}

const char* tactic_tag(std::string_view type) {
  if (type == kDataVolumeSpike) return "attack.exfiltration";
  if (type == kUnusualResource) return "attack.collection";
  return "attack.initial_access";  // valid accounts used from elsewhere, elsewhen
}

}  // namespace

Result<std::shared_ptr<BehaviorDetector>> BehaviorDetector::create(
    const BehaviorConfig& config, std::shared_ptr<const Sanitizer> sanitizer, VigilMetrics* metrics,
    std::unique_ptr<BaselineStore> store) {
  std::shared_ptr<const DeviceParser> devices;
  if (!config.user_agent_regexes.empty()) {
    auto parser = DeviceParser::load(config.user_agent_regexes);
    if (!parser) return tl::unexpected(parser.error());
    if ((*parser)->skipped_patterns() > 0) {
      spdlog::debug("behavior: {} user-agent patterns RE2 cannot compile were skipped",
                    (*parser)->skipped_patterns());
    }
    devices = std::move(*parser);
  }
  std::shared_ptr<BehaviorDetector> d(
      new BehaviorDetector(config, std::move(sanitizer), metrics, std::move(store), devices));
  if (d->store_) {
    if (auto r = d->load(); !r) return tl::unexpected(r.error());
    auto lookup = d->store_->reopen();
    if (!lookup) return tl::unexpected(lookup.error());
    d->lookup_ = std::move(*lookup);
    d->flusher_ = std::thread([raw = d.get()] { raw->flusher_loop(); });
  }
  return d;
}

BehaviorDetector::BehaviorDetector(const BehaviorConfig& config,
                                   std::shared_ptr<const Sanitizer> sanitizer,
                                   VigilMetrics* metrics, std::unique_ptr<BaselineStore> store,
                                   std::shared_ptr<const DeviceParser> devices)
    : config_(config),
      limits_{config.half_life_days * 86400.0, static_cast<size_t>(config.max_values)},
      sanitizer_(std::move(sanitizer)),
      metrics_(metrics),
      reader_(config, std::move(devices)),
      store_(std::move(store)) {}

BehaviorDetector::~BehaviorDetector() {
  if (flusher_.joinable()) {
    {
      std::lock_guard lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    flusher_.join();
  }
  if (store_) {
    if (auto r = flush(); !r) spdlog::error("behavior: baselines not saved: {}", r.error().message);
  }
}

Result<void> BehaviorDetector::load() {
  auto rows = store_->load(config_.entity, config_.max_entities);
  if (!rows) return tl::unexpected(rows.error());
  size_t bad = 0;
  for (auto& row : *rows) {
    auto b = decode_baseline(row.body);
    if (!b) {
      ++bad;
      continue;
    }
    dormant_.emplace(std::move(row.pseudonym), std::move(*b));
  }
  spdlog::info("behavior: {} {} baselines loaded{}", dormant_.size(), config_.entity,
               bad ? fmt::format(", {} unreadable skipped", bad) : "");
  return {};
}

BehaviorDetector::Node& BehaviorDetector::node_for(Shard& shard, const std::string& key) {
  if (auto it = shard.nodes.find(key); it != shard.nodes.end()) {
    shard.recency.touch(*it->second);
    shard.recency.compact(shard.nodes.size());
    return *it->second;
  }
  const size_t per_shard = std::max<size_t>(1, config_.max_entities / kShards);
  if (shard.nodes.size() >= per_shard) {
    Node& oldest = shard.recency.pop_oldest();
    auto victim = shard.nodes.find(oldest.key);
    evict(std::move(oldest));
    shard.nodes.erase(victim);
  }
  Node& node = *(shard.nodes[key] = std::make_unique<Node>());
  node.key = key;
  shard.recency.touch(node);
  node.pseudonym = sanitizer_->pseudonymize(key);
  {
    std::lock_guard lock(dormant_mu_);
    if (auto it = dormant_.find(node.pseudonym); it != dormant_.end()) {
      node.baseline = std::move(it->second);
      dormant_.erase(it);
      return node;
    }
  }
  if (auto back = reclaim(node.pseudonym)) node.baseline = std::move(*back);
  return node;
}

void BehaviorDetector::evict(Node&& node) {
  // Without changes since the last flush the store holds it as it is.
  if (!store_ || !node.dirty) return;
  std::lock_guard lock(evicted_mu_);
  const int64_t last_seen = node.baseline.last_seen_s;
  evicted_[node.pseudonym] = Evicted{std::move(node.baseline), last_seen, ++evict_seq_};
}

std::optional<EntityBaseline> BehaviorDetector::reclaim(const std::string& pseudonym) {
  if (!store_) return std::nullopt;
  {
    std::lock_guard lock(evicted_mu_);
    if (auto it = evicted_.find(pseudonym); it != evicted_.end()) {
      EntityBaseline b = std::move(it->second.baseline);
      evicted_.erase(it);
      return b;
    }
  }
  // Evicted earlier and written, or never seen: one indexed read tells.
  std::lock_guard lock(lookup_mu_);
  auto row = lookup_->find(config_.entity, pseudonym);
  if (!row) {
    spdlog::warn("behavior: an evicted baseline could not be read back: {}", row.error().message);
    return std::nullopt;
  }
  if (!*row) return std::nullopt;  // pruned from the store since
  auto b = decode_baseline((*row)->body);
  if (!b) return std::nullopt;
  return std::move(*b);
}

void BehaviorDetector::on_event(Event& event, AlertSink& alerts) {
  if (auto observation = reader_.read(event)) on_observation(event, *observation, alerts);
}

void BehaviorDetector::prefetch(std::string_view entity, uint64_t entity_hash) const {
  const Shard& shard = shards_[entity_hash % kShards];
  std::unique_lock lock(shard.mu, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const auto it = shard.nodes.find(std::string(entity));
  if (it != shard.nodes.end()) it->second->baseline.prefetch();
}

void BehaviorDetector::on_observation(Event& event, const Observation& o, AlertSink& alerts) {
  Shard& shard = shards_[XXH3_64bits(o.entity.data(), o.entity.size()) % kShards];
  std::vector<Alert> raised;
  {
    std::lock_guard lock(shard.mu);
    Node& node = node_for(shard, o.entity);
    EntityBaseline& b = node.baseline;
    const bool mature = learned(b, config_);
    for (const Finding& f : score(o, b, config_)) {
      if (!f.anomalous) continue;
      b.record_score(RecentScore{o.time_s, f.type, f.probability, mature});
      if (mature) raised.push_back(make_alert(event, f, b));
    }
    b.learn(o, limits_);
    node.dirty = true;
  }
  for (Alert& a : raised) {
    event.severity = std::max(event.severity, a.severity);
    if (metrics_) metrics_->record_anomaly(a.rule);
    alerts.emit(std::move(a));
  }
}

Alert BehaviorDetector::make_alert(const Event& event, const Finding& f,
                                   const EntityBaseline& b) const {
  Alert a;
  a.rule = f.type;
  a.rule_id = std::string("vigil-behavior-") + f.type;
  a.title = title_of(f.type);
  a.severity = f.severity;
  a.confidence = std::clamp(1.0 - f.probability, 0.0, 1.0);
  a.description = f.explanation;
  a.time = event.time;
  a.tags = {"ueba", tactic_tag(f.type)};
  a.detector = DetectorKind::kBehavior;
  a.author = "vigil behavior";
  a.events.push_back(event.doc);
  a.context = Object{{"anomaly_type", f.type},
                     {"entity_type", config_.entity},
                     {"probability", f.probability},
                     {"baseline_events", b.events}};
  return a;
}

std::optional<Value> BehaviorDetector::describe(std::string_view entity_type,
                                                std::string_view id) const {
  if (entity_type != config_.entity || id.empty()) return std::nullopt;
  const bool is_pseudonym = id.starts_with("pseud_");
  const std::string pseudonym = is_pseudonym ? std::string(id) : sanitizer_->pseudonymize(id);
  std::optional<Value> view;
  const auto show = [&](const EntityBaseline& b) {
    Value v = baseline_view(b, learned(b, config_));
    v.as_object().insert(v.as_object().begin(),
                         {{"entity", pseudonym}, {"entity_type", config_.entity}});
    sanitizer_->sanitize(v);
    view = std::move(v);
  };
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    if (!is_pseudonym) {
      if (auto it = shard.nodes.find(std::string(id)); it != shard.nodes.end()) {
        show(it->second->baseline);
        return view;
      }
      continue;
    }
    for (const auto& [key, node] : shard.nodes) {
      if (node->pseudonym == pseudonym) {
        show(node->baseline);
        return view;
      }
    }
  }
  std::lock_guard lock(dormant_mu_);
  if (auto it = dormant_.find(pseudonym); it != dormant_.end()) show(it->second);
  return view;
}

Result<size_t> BehaviorDetector::flush() {
  std::lock_guard flush_lock(flush_mu_);
  if (!store_) return size_t{0};
  std::vector<StoredBaseline> rows;
  // Evicted entities first: they are written although no longer in memory.
  std::vector<std::pair<std::string, uint64_t>> written_evicted;
  {
    std::lock_guard lock(evicted_mu_);
    for (const auto& [pseudonym, e] : evicted_) {
      rows.push_back(StoredBaseline{pseudonym, e.last_seen_s, encode_baseline(e.baseline)});
      written_evicted.emplace_back(pseudonym, e.seq);
    }
  }
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (auto& [key, node] : shard.nodes) {
      if (!node->dirty) continue;
      rows.push_back(StoredBaseline{node->pseudonym, node->baseline.last_seen_s,
                                    encode_baseline(node->baseline)});
      node->dirty = false;
    }
  }
  if (rows.empty()) return size_t{0};
  if (auto r = store_->save(config_.entity, rows, config_.max_entities); !r)
    return tl::unexpected(r.error());
  // Written: an entity coming back now is read from the store (unless it
  // came back, or was evicted again, while this flush ran).
  std::lock_guard lock(evicted_mu_);
  for (const auto& [pseudonym, seq] : written_evicted) {
    auto it = evicted_.find(pseudonym);
    if (it != evicted_.end() && it->second.seq == seq) evicted_.erase(it);
  }
  return rows.size();
}

size_t BehaviorDetector::tracked_entities() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.nodes.size();
  }
  return n;
}

void BehaviorDetector::flusher_loop() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, std::chrono::seconds(config_.flush_interval_s),
                            [&] { return stopping_; })) {
    lock.unlock();
    if (auto r = flush(); !r) spdlog::error("behavior: baselines not saved: {}", r.error().message);
    lock.lock();
  }
}

}  // namespace vigil::behavior
