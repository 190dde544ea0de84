// The threat-intelligence subsystem as the engine runs it: the indicator
// store loaded from intel.db, the IntelMatcher detector, configured feeds
// refreshed on their schedules by one background thread (a failed or
// malformed refresh keeps the feed's last good data and is visible in the
// log, the metrics and feeds()), the expiry purge, manual indicators (API),
// and internal intelligence: source IPs of vigil's own alerts become
// indicators of source `vigil`.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alert/alert.h"
#include "config/config.h"
#include "core/error.h"
#include "intel/feed_fetcher.h"
#include "intel/indicator_store.h"
#include "intel/intel_database.h"
#include "intel/intel_matcher.h"
#include "intel/intel_metrics.h"

namespace vigil::intel {

inline constexpr std::string_view kManualSource = "manual";
inline constexpr std::string_view kInternalSource = "vigil";

struct FeedStatus {
  std::string name;
  std::string type;
  std::string location;  // URLs without user info or query
  int64_t schedule_s = 0;
  Timestamp last_attempt;  // zero: never tried
  Timestamp last_success;  // zero: never succeeded since start-up
  Timestamp next_refresh;
  std::string last_error;  // empty when the last attempt succeeded
  uint64_t consecutive_failures = 0;
  bool not_modified = false;  // the last success was a 304 / no new TAXII objects
  size_t indicators = 0;      // held now (the last good data)
  size_t records = 0;         // entries in the last good data
  size_t skipped = 0;
  size_t problems = 0;
};

class IntelService {
 public:
  struct Options {
    std::string data_dir;
    bool persist = true;  // write intel.db (false: replay --no-store reads it only)
    bool feeds = true;    // refresh configured feeds (replay: off)
    metrics::Registry* registry = nullptr;  // null: a private one
  };

  static Result<std::unique_ptr<IntelService>> create(const IntelConfig& config, Options options);
  ~IntelService();

  std::shared_ptr<const IndicatorStore> store() const { return store_; }
  std::shared_ptr<Detector> matcher() const { return matcher_; }

  // The feed, purge and internal-intelligence thread.
  void start();
  // Stops it; applies internal indicators still queued first.
  void stop();

  std::optional<LookupResult> lookup(std::string_view value,
                                     std::optional<IndicatorType> type) const;
  // A manual indicator (source `manual`), persisted; valid_until defaults to
  // now + intel.manual_lifetime.
  Result<Indicator> add_manual(Indicator indicator);
  // Removes the indicator with this id (any source); nullopt when none has it.
  Result<std::optional<Indicator>> remove(std::string_view id);
  std::vector<FeedStatus> feeds() const;
  std::vector<SourceSummary> sources() const { return store_->sources(); }

  // Refreshes one feed now (the scheduler's step; tests call it directly).
  Result<void> refresh(const std::string& name);
  // Removes expired indicators from memory and intel.db.
  size_t purge(Timestamp now);

  // The alert path's hook (any thread): qualifying alerts queue an indicator.
  void on_alert(const Alert& alert, const std::string& alert_id);
  // Applies queued internal indicators now.
  void apply_internal();

 private:
  struct Feed {
    std::unique_ptr<FeedFetcher> fetcher;
    FeedOptions options;  // `now` set per refresh
    Timestamp next_due;
  };

  IntelService(const IntelConfig& config, Options options);
  Result<void> init();
  Result<void> persist(const std::function<Result<void>(IntelDatabase&)>& write);
  void run();
  Timestamp refresh_due(Timestamp now);
  void record_failure(size_t index, const std::string& error);
  void update_gauge() { metrics_->indicators.set(static_cast<int64_t>(store_->size())); }

  IntelConfig config_;
  Options options_;
  Lifetimes lifetimes_;
  std::unique_ptr<metrics::Registry> own_registry_;
  std::unique_ptr<IntelMetrics> metrics_;
  std::shared_ptr<IndicatorStore> store_;
  std::shared_ptr<IntelMatcher> matcher_;

  std::mutex db_mu_;
  std::optional<IntelDatabase> db_;

  std::mutex refresh_mu_;  // one refresh at a time
  std::vector<Feed> feeds_;
  mutable std::mutex status_mu_;
  std::vector<FeedStatus> status_;  // parallel to feeds_

  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::deque<Indicator> internal_queue_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vigil::intel
