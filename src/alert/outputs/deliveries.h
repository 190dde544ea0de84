// The destinations behind alerts.outputs, one class per `type:`.
#pragma once

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alert/alert_output.h"

namespace vigil {

// `log`: one summary line per alert in vigil's own log (stderr): warning for
// high and critical, info below. The whole alert is in the API and the JSON outputs.
class LogDelivery : public AlertDelivery {
 public:
  bool deliver(const AlertMessage& message) override;
};

// `stdout`: JSON lines on a stream.
class StreamDelivery : public AlertDelivery {
 public:
  explicit StreamDelivery(FILE* stream) : stream_(stream) {}
  bool deliver(const AlertMessage& message) override;

 private:
  FILE* stream_;
};

// `file`: JSON lines appended to `path`; past max_bytes the file is renamed
// to path.1 (path.1 to path.2, ... up to max_files) and a new one started.
class FileDelivery : public AlertDelivery {
 public:
  static Result<std::unique_ptr<AlertDelivery>> open(const std::filesystem::path& path,
                                                     uint64_t max_bytes, int max_files);
  ~FileDelivery() override;
  bool deliver(const AlertMessage& message) override;

 private:
  FileDelivery(std::filesystem::path path, uint64_t max_bytes, int max_files)
      : path_(std::move(path)), max_bytes_(max_bytes), max_files_(max_files) {}
  bool reopen();
  void rotate();

  std::filesystem::path path_;
  uint64_t max_bytes_;
  int max_files_;
  FILE* file_ = nullptr;
  uint64_t size_ = 0;
};

// `webhook`: one JSON POST per alert; 5xx, 429 and transport errors are
// retried with doubling back-off, other 4xx are not (the request is wrong).
class WebhookDelivery : public AlertDelivery {
 public:
  static Result<std::unique_ptr<AlertDelivery>> create(const AlertOutputConfig& config);
  ~WebhookDelivery() override;
  bool deliver(const AlertMessage& message) override;

 private:
  explicit WebhookDelivery(const AlertOutputConfig& config) : config_(config) {}
  // HTTP status, or 0 on a transport error.
  long post_once(const std::string& body);

  AlertOutputConfig config_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

// `syslog`: RFC 5424 messages over UDP, or TCP with octet-counting framing
// (RFC 6587); the message is the alert's JSON, the severity its syslog level.
class SyslogDelivery : public AlertDelivery {
 public:
  static Result<std::unique_ptr<AlertDelivery>> create(const AlertOutputConfig& config);
  ~SyslogDelivery() override;
  bool deliver(const AlertMessage& message) override;
  // The RFC 5424 line for one alert (without framing).
  static std::string format(const AlertMessage& message, int facility, const std::string& hostname,
                            const std::string& app_name);

 private:
  explicit SyslogDelivery(const AlertOutputConfig& config) : config_(config) {}
  bool connect_socket();

  AlertOutputConfig config_;
  std::string hostname_;
  int fd_ = -1;
};

}  // namespace vigil
