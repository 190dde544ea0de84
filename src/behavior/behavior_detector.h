// The behaviour detector: learns each entity's baseline from the events'
// own timestamps and raises an alert (rule_name = anomaly type) when an
// event is improbable against it, once the entity is past its learning
// period. Baselines are sharded by entity behind mutexes (workers call
// on_event concurrently), bounded (least-recently-seen entities evicted),
// and written to behavior.db by a background thread and at shutdown.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "behavior/baseline_store.h"
#include "behavior/entity_baseline.h"
#include "behavior/observation_reader.h"
#include "behavior/recency_log.h"
#include "behavior/scorer.h"
#include "config/config.h"
#include "detect/detector.h"
#include "metrics/vigil_metrics.h"
#include "sanitize/sanitizer.h"

namespace vigil::behavior {

class BehaviorDetector : public Detector {
 public:
  // `store` may be null (no persistence: replay without a store, tests).
  // Loads the stored baselines and starts the flusher when there is a store.
  static Result<std::shared_ptr<BehaviorDetector>> create(
      const BehaviorConfig& config, std::shared_ptr<const Sanitizer> sanitizer,
      VigilMetrics* metrics, std::unique_ptr<BaselineStore> store);
  ~BehaviorDetector() override;

  std::string_view name() const override { return "behavior"; }
  void on_event(Event& event, AlertSink& alerts) override;
  // The same with the event already read (ml::BehaviorAndMl reads each event
  // once for both detectors).
  void on_observation(Event& event, const Observation& o, AlertSink& alerts);
  // Starts loading the entity's baseline (Detector's hint; the router's
  // entity is this detector's). A baseline another lane holds locked, or not
  // in memory, is left alone: a hint is not worth a wait.
  void prefetch(std::string_view entity, uint64_t entity_hash) const override;

  // The sanitized view of one entity's baseline and recent anomaly scores;
  // `id` is the raw key or its pseudonym. nullopt: unknown entity or type.
  std::optional<Value> describe(std::string_view entity_type, std::string_view id) const;
  // Writes every baseline changed since the last flush. Thread-safe.
  Result<size_t> flush();
  size_t tracked_entities() const;
  // The user-agent parser (shared with the ML detector's device feature).
  const std::shared_ptr<const DeviceParser>& devices() const { return reader_.devices(); }

 private:
  struct Node {
    // Written on every sighting: beside the baseline's first fields, which
    // every event reads (a line the lookup touches anyway).
    uint64_t recency = 0;  // RecencyLog's stamp
    bool dirty = false;
    EntityBaseline baseline;
    std::string key;  // the raw entity (the table's key, for eviction)
    std::string pseudonym;
  };
  struct Shard {
    mutable std::mutex mu;
    // Nodes apart from the table: a baseline is ~1 KB, and held inline it put
    // each table node's cached hash a kilobyte from its link, two cache
    // misses per node a lookup passes (perf: ~0.7 µs per event at 2,000 users).
    std::unordered_map<std::string, std::unique_ptr<Node>> nodes;
    RecencyLog<Node> recency;  // least recently seen evicted first
  };
  static constexpr size_t kShards = 16;

  BehaviorDetector(const BehaviorConfig& config, std::shared_ptr<const Sanitizer> sanitizer,
                   VigilMetrics* metrics, std::unique_ptr<BaselineStore> store,
                   std::shared_ptr<const DeviceParser> devices);
  Result<void> load();
  Node& node_for(Shard& shard, const std::string& key);
  Alert make_alert(const Event& event, const Finding& f, const EntityBaseline& b) const;
  void flusher_loop();

  const BehaviorConfig config_;
  const BaselineLimits limits_;
  std::shared_ptr<const Sanitizer> sanitizer_;
  VigilMetrics* metrics_;
  ObservationReader reader_;
  std::array<Shard, kShards> shards_;
  // Loaded from the store, waiting for their entity to show up again (the
  // store knows entities only by pseudonym).
  mutable std::mutex dormant_mu_;
  std::unordered_map<std::string, EntityBaseline> dormant_;

  // Evicted from memory with changes not yet written: the next flush writes
  // them. `seq` tells a flush whether the entry it wrote is still the one
  // waiting (the entity may have come back and been evicted again).
  struct Evicted {
    EntityBaseline baseline;
    int64_t last_seen_s = 0;
    uint64_t seq = 0;
  };
  void evict(Node&& node);
  // An entity's baseline when it is not in memory: from the evicted ones not
  // yet written, else from the store (evicted and written earlier); nullopt
  // for an entity never seen (or pruned from the store since).
  std::optional<EntityBaseline> reclaim(const std::string& pseudonym);
  std::mutex evicted_mu_;
  std::unordered_map<std::string, Evicted> evicted_;  // by pseudonym
  uint64_t evict_seq_ = 0;
  std::mutex lookup_mu_;  // guards lookup_
  std::unique_ptr<BaselineStore> lookup_;

  std::mutex flush_mu_;  // one flush at a time; guards store_
  std::unique_ptr<BaselineStore> store_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace vigil::behavior
