#include <fmt/format.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "alert/outputs/deliveries.h"

namespace vigil {
namespace {

// RFC 5424 severities: vigil's critical is syslog's crit, info its informational.
int syslog_severity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return 2;
    case Severity::kHigh:
      return 3;
    case Severity::kMedium:
      return 4;
    case Severity::kLow:
      return 5;
    case Severity::kInfo:
      return 6;
  }
  return 6;
}

std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "-";
  return name;
}

bool send_all(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string SyslogDelivery::format(const AlertMessage& message, int facility,
                                   const std::string& hostname, const std::string& app_name) {
  // Millisecond precision: RFC 5424 allows up to six digits, receivers
  // commonly parse three.
  std::string time = format_rfc3339(message.time);
  time.resize(23);  // drop the microseconds and the Z: "YYYY-MM-DDTHH:MM:SS.mmm"
  time.push_back('Z');
  return fmt::format(
      "<{}>1 {} {} {} - alert - {}", facility * 8 + syslog_severity(message.severity), time,
      hostname.empty() ? "-" : hostname, app_name.empty() ? "-" : app_name, message.json);
}

Result<std::unique_ptr<AlertDelivery>> SyslogDelivery::create(const AlertOutputConfig& config) {
  const auto colon = config.address.rfind(':');
  if (colon == std::string::npos || colon + 1 == config.address.size()) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("syslog output {}: address must be host:port, got '{}'",
                                  config.name, config.address));
  }
  std::unique_ptr<SyslogDelivery> d(new SyslogDelivery(config));
  d->hostname_ = local_hostname();
  // A receiver that is down at start-up is retried per alert, not fatal.
  if (!d->connect_socket()) {
    spdlog::warn("syslog output {}: {} not reachable yet", config.name, config.address);
  }
  return std::unique_ptr<AlertDelivery>(std::move(d));
}

SyslogDelivery::~SyslogDelivery() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogDelivery::connect_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const auto colon = config_.address.rfind(':');
  std::string host = config_.address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = config_.address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = config_.protocol == "tcp" ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return false;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    ::close(fd);
  }
  freeaddrinfo(found);
  return fd_ >= 0;
}

bool SyslogDelivery::deliver(const AlertMessage& message) {
  const std::string line = format(message, config_.facility, hostname_, config_.app_name);
  const bool tcp = config_.protocol == "tcp";
  const std::string frame = tcp ? fmt::format("{} {}", line.size(), line) : line;
  // One reconnect per alert: a restarted receiver is picked up again.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !connect_socket()) continue;
    if (send_all(fd_, frame)) return true;
    ::close(fd_);
    fd_ = -1;
  }
  return false;
}

}  // namespace vigil
