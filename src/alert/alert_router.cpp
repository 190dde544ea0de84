#include "alert/alert_router.h"

#include <spdlog/spdlog.h>

#include "core/json_writer.h"

namespace vigil {

void LogAlertOutput::write(std::string_view alert_json) {
  spdlog::warn("alert {}", alert_json);
}

AlertRouter::AlertRouter(std::shared_ptr<const Sanitizer> sanitizer, VigilMetrics* metrics)
    : sanitizer_(std::move(sanitizer)), metrics_(metrics) {}

void AlertRouter::add_output(std::unique_ptr<AlertOutput> output) {
  std::lock_guard lock(outputs_mutex_);
  outputs_.push_back(std::move(output));
}

std::string AlertRouter::to_json(const Alert& alert) const {
  Value context = alert.context;
  sanitizer_->sanitize(context);
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("rule", sanitizer_->sanitize_text(alert.rule));
  if (!alert.rule_id.empty()) w.field("rule_id", alert.rule_id);
  w.field("severity", to_string(alert.severity));
  w.field("confidence", alert.confidence);
  w.field("description", sanitizer_->sanitize_text(alert.description));
  w.field("time", format_rfc3339(alert.time));
  w.field("context", context);
  w.close();
  return fmt::to_string(out);
}

void AlertRouter::emit(Alert alert) {
  if (metrics_) metrics_->record_alert(alert.rule, alert.severity);
  const std::string json = to_json(alert);
  std::lock_guard lock(outputs_mutex_);
  for (auto& output : outputs_) output->write(json);
}

}  // namespace vigil
