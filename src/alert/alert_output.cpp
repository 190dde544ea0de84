#include "alert/alert_output.h"

#include <fmt/format.h>

#include "alert/outputs/deliveries.h"

namespace vigil {

QueuedOutput::QueuedOutput(std::string name, size_t capacity,
                           std::unique_ptr<AlertDelivery> delivery, VigilMetrics* metrics)
    : name_(std::move(name)),
      capacity_(capacity),
      delivery_(std::move(delivery)),
      metrics_(metrics) {
  if (metrics_) label_ = metrics_->alert_output_index(name_);
  thread_ = std::thread([this] { run(); });
}

QueuedOutput::~QueuedOutput() {
  flush(std::chrono::seconds(5));
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void QueuedOutput::send(std::shared_ptr<const AlertMessage> message) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      if (metrics_) metrics_->alert_output_dropped.at(label_).inc();
      return;
    }
    queue_.push_back(std::move(message));
  }
  wake_.notify_one();
}

void QueuedOutput::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  idle_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

void QueuedOutput::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) {
      // Shutdown already waited (flush); what a dead destination left is
      // counted as dropped rather than holding the process up.
      if (metrics_ && !queue_.empty()) metrics_->alert_output_dropped.at(label_).inc(queue_.size());
      queue_.clear();
      idle_.notify_all();
      return;
    }
    auto message = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const bool ok = delivery_->deliver(*message);
    if (metrics_)
      (ok ? metrics_->alert_output_sent : metrics_->alert_output_failed).at(label_).inc();
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

Result<std::unique_ptr<AlertDelivery>> make_alert_delivery(const AlertOutputConfig& c) {
  if (c.type == "log") return std::unique_ptr<AlertDelivery>(new LogDelivery());
  if (c.type == "stdout") return std::unique_ptr<AlertDelivery>(new StreamDelivery(stdout));
  if (c.type == "file") return FileDelivery::open(c.path, c.max_bytes, c.max_files);
  if (c.type == "webhook") return WebhookDelivery::create(c);
  if (c.type == "syslog") return SyslogDelivery::create(c);
  return make_error(ErrorCode::kConfig, fmt::format("unknown alert output type '{}'", c.type));
}

Result<std::unique_ptr<AlertOutput>> make_alert_output(const AlertOutputConfig& config,
                                                       VigilMetrics* metrics) {
  auto delivery = make_alert_delivery(config);
  if (!delivery) return tl::unexpected(delivery.error());
  return std::unique_ptr<AlertOutput>(
      new QueuedOutput(config.name.empty() ? config.type : config.name, config.queue_size,
                       std::move(*delivery), metrics));
}

}  // namespace vigil
