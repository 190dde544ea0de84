// Inputs that run inside the daemon and feed the pipeline: `file` (follows
// files like `tail -F`) and `syslog` (UDP and TCP listeners, TLS optional).
// Each source hands batches of lines to the pipeline with its decoder.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "metrics/counter.h"
#include "pipeline/pipeline.h"

namespace vigil::metrics {
class Registry;
}

namespace vigil {

// Where a source's counts also go when the daemon exports them on /metrics
// (vigil_source_messages_total{source,outcome}); null: not exported.
struct SourceCounters {
  metrics::Counter* accepted = nullptr;
  metrics::Counter* dropped = nullptr;
  metrics::Counter* truncated = nullptr;
};

// Counters a source keeps; read by tests, logged at shutdown, mirrored to
// `exported` when set.
struct SourceStats {
  std::atomic<uint64_t> lines{0};      // handed to the pipeline
  std::atomic<uint64_t> dropped{0};    // UDP only: the queue was full
  std::atomic<uint64_t> truncated{0};  // messages cut at max_message_bytes
  std::atomic<uint64_t> connections{0};
  SourceCounters exported;

  void add_lines(uint64_t n) { add(lines, exported.accepted, n); }
  void add_dropped(uint64_t n) { add(dropped, exported.dropped, n); }
  void add_truncated() { add(truncated, exported.truncated, 1); }

 private:
  static void add(std::atomic<uint64_t>& count, metrics::Counter* mirror, uint64_t n) {
    count += n;
    if (mirror) mirror->inc(n);
  }
};

// Where a source hands its batches of lines: the pipeline's queue in the
// daemon (PipelineSink); bench/syslog_bench also counts or decodes them itself
// to measure a source apart from the pipeline behind it.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // false: not taken (kFailFast and a full queue, or the store is failing).
  virtual bool submit(WorkItem item, SubmitMode mode) = 0;
};

class PipelineSink final : public BatchSink {
 public:
  explicit PipelineSink(Pipeline& pipeline) : pipeline_(pipeline) {}
  bool submit(WorkItem item, SubmitMode mode) override {
    return pipeline_.submit(std::move(item), mode).has_value();
  }

 private:
  Pipeline& pipeline_;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const std::string& name() const = 0;
  // Stops reading, hands over what was read, joins its threads.
  virtual void stop() = 0;
  virtual const SourceStats& stats() const = 0;
  // Syslog: the bound ports (0 when that listener is off), for tests and logs.
  virtual uint16_t udp_port() const { return 0; }
  virtual uint16_t tcp_port() const { return 0; }
};

// Starts every configured source. `state_dir` holds the file sources'
// positions; with a registry, their counts are exported in it. Errors:
// kConfig (unknown decoder, bad address), kIo (bind, TLS files).
Result<std::vector<std::unique_ptr<Source>>> start_sources(const Config& config, Pipeline& pipeline,
                                                           const std::string& state_dir,
                                                           metrics::Registry* registry = nullptr);

// vigil_source_messages_total{source,outcome=accepted|dropped|truncated}
// registered in `registry`, one row per configured source, in config order.
std::vector<SourceCounters> register_source_counters(metrics::Registry& registry,
                                                     const std::vector<std::string>& names);

Result<std::unique_ptr<Source>> start_file_source(const SourceConfig& config, Pipeline& pipeline,
                                                  const std::string& state_dir,
                                                  const SourceCounters& counters = {});
Result<std::unique_ptr<Source>> start_syslog_source(const SourceConfig& config, Pipeline& pipeline,
                                                    const SourceCounters& counters = {});
// The same listener handing its batches to `sink`, which must outlive it.
Result<std::unique_ptr<Source>> start_syslog_source(const SourceConfig& config, BatchSink& sink,
                                                    const SourceCounters& counters = {});

}  // namespace vigil
