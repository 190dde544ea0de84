// The single exit for alerts. For each detection it fills the entity from the
// triggering event, folds repeats into one alert (AlertDeduper), sanitizes
// everything (alerts leave the process), counts it, stores it (AlertStore, on
// a writer thread) and queues new alerts to every output. emit() never blocks
// on a store or a destination.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "alert/alert.h"
#include "alert/alert_deduper.h"
#include "alert/alert_output.h"
#include "alert/alert_record.h"
#include "alert/alert_store.h"
#include "config/config.h"
#include "metrics/vigil_metrics.h"
#include "sanitize/sanitizer.h"

namespace vigil {

class AlertRouter : public AlertSink {
 public:
  // `store` may be null (replay --no-store): alerts then only reach outputs.
  AlertRouter(const AlertsConfig& config, std::shared_ptr<const Sanitizer> sanitizer,
              VigilMetrics* metrics, std::unique_ptr<AlertStore> store);
  ~AlertRouter() override;  // stores what is pending and drains the outputs

  // Builds and adds every output of config.outputs.
  Result<void> add_configured_outputs(const AlertsConfig& config);
  void add_output(std::unique_ptr<AlertOutput> output);
  void emit(Alert alert) override;
  // The entity, the dedupe key's parts and the sanitized body (the costly
  // part: sanitizing the events and context), then the raw events and
  // context are dropped.
  void prepare(Alert& alert) const override;
  // Called for each new alert (not a folded repeat) with its raw fields and
  // id, on the emitting thread: must be quick (intel queues an indicator).
  // Add before alerts flow.
  using AlertObserver = std::function<void(const Alert&, const std::string& id)>;
  void add_observer(AlertObserver observer) { observers_.push_back(std::move(observer)); }

  // Analyst workflow (API). Changing status ends deduplication into the alert.
  Result<AlertRecord> set_status(const std::string& id, AlertStatus status);
  AlertStore* store() { return store_.get(); }
  // New alerts raised so far (repeats folded into an alert not counted).
  uint64_t alerts_raised() const { return raised_.load(std::memory_order_relaxed); }
  // Blocks until every alert emitted so far is stored and delivered (or the
  // timeout passes per output): the end of a replay, shutdown, tests.
  void flush();
  // Blocks until every alert emitted so far is in the store (not the outputs).
  void flush_store();

  // The sanitized body of an alert (see AlertRecord::body_json).
  std::string body_json(const Alert& alert) const;
  // The sanitized one-line summary the `log` output writes.
  std::string summary_line(const Alert& alert, const std::string& id) const;

 private:
  void fill_entity(Alert& alert) const;
  std::string dedupe_key(const Alert& alert) const;
  void queue_for_store(AlertRecord record);
  void store_loop();
  void refresh_active_threats();

  static constexpr std::chrono::milliseconds kActiveThreatsRecount{1000};

  const AlertsConfig config_;
  std::shared_ptr<const Sanitizer> sanitizer_;
  VigilMetrics* metrics_;
  std::unique_ptr<AlertStore> store_;

  std::atomic<uint64_t> raised_{0};
  std::mutex dedupe_mu_;
  AlertDeduper deduper_;

  std::vector<AlertObserver> observers_;
  std::mutex outputs_mu_;
  std::vector<std::unique_ptr<AlertOutput>> outputs_;

  // Records waiting for the store, coalesced by alert id (a burst of repeats
  // is one row write).
  std::mutex store_mu_;
  std::condition_variable store_wake_;
  std::condition_variable store_idle_;
  std::unordered_map<std::string, AlertRecord> pending_;
  bool store_busy_ = false;
  bool stopping_ = false;
  std::thread store_thread_;
};

// 32 hex digits from a cryptographic RNG.
std::string new_alert_id();

}  // namespace vigil
