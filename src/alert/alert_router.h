// The single exit for alerts: sanitizes each one (alerts leave the process),
// counts it, and hands its JSON to every configured output.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "alert/alert.h"
#include "metrics/vigil_metrics.h"
#include "sanitize/sanitizer.h"

namespace vigil {

class AlertOutput {
 public:
  virtual ~AlertOutput() = default;
  virtual void write(std::string_view alert_json) = 0;
};

// Writes each alert as one JSON line to vigil's log (stderr by default).
class LogAlertOutput : public AlertOutput {
 public:
  void write(std::string_view alert_json) override;
};

class AlertRouter : public AlertSink {
 public:
  AlertRouter(std::shared_ptr<const Sanitizer> sanitizer, VigilMetrics* metrics);
  void add_output(std::unique_ptr<AlertOutput> output);
  void emit(Alert alert) override;

  // The sanitized JSON form of an alert (also what outputs receive).
  std::string to_json(const Alert& alert) const;

 private:
  std::shared_ptr<const Sanitizer> sanitizer_;
  VigilMetrics* metrics_;
  std::mutex outputs_mutex_;
  std::vector<std::unique_ptr<AlertOutput>> outputs_;
};

}  // namespace vigil
