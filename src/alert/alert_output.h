// Where alerts go. Every output is a QueuedOutput: a bounded queue and one
// thread in front of a blocking AlertDelivery (stdout, a rotating file, a
// webhook, syslog). When a destination is slow or dead its queue fills and
// further alerts are dropped and counted: detection never waits for it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/error.h"
#include "core/severity.h"
#include "core/timestamp.h"
#include "metrics/vigil_metrics.h"

namespace vigil {

struct AlertMessage {
  std::string json;     // the sanitized alert, one JSON object, no newline
  std::string summary;  // sanitized one-line text (id, severity, rule, entity) for logs
  Severity severity = Severity::kMedium;
  Timestamp time;
};

// One blocking delivery to a destination, retries included. Called from the
// output's own thread only.
class AlertDelivery {
 public:
  virtual ~AlertDelivery() = default;
  // False when the alert could not be delivered (it is then counted as failed).
  virtual bool deliver(const AlertMessage& message) = 0;
};

class AlertOutput {
 public:
  virtual ~AlertOutput() = default;
  virtual const std::string& name() const = 0;
  // Never blocks: queues the message, or drops it when the queue is full.
  virtual void send(std::shared_ptr<const AlertMessage> message) = 0;
  // Waits until the queue is empty (or the timeout passes); for shutdown and
  // the end of a replay.
  virtual void flush(std::chrono::milliseconds timeout) = 0;
};

class QueuedOutput : public AlertOutput {
 public:
  QueuedOutput(std::string name, size_t capacity, std::unique_ptr<AlertDelivery> delivery,
               VigilMetrics* metrics);
  ~QueuedOutput() override;  // delivers what is queued, for up to a few seconds

  const std::string& name() const override { return name_; }
  void send(std::shared_ptr<const AlertMessage> message) override;
  void flush(std::chrono::milliseconds timeout) override;

 private:
  void run();

  const std::string name_;
  const size_t capacity_;
  std::unique_ptr<AlertDelivery> delivery_;
  VigilMetrics* metrics_;
  uint32_t label_ = 0;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::shared_ptr<const AlertMessage>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

// The delivery for one configured output (alerts.outputs[i]).
Result<std::unique_ptr<AlertDelivery>> make_alert_delivery(const AlertOutputConfig& config);
// make_alert_delivery wrapped in its QueuedOutput.
Result<std::unique_ptr<AlertOutput>> make_alert_output(const AlertOutputConfig& config,
                                                       VigilMetrics* metrics);

}  // namespace vigil
