// The `syslog` source: RFC 5424/3164 messages over UDP and TCP (RFC 6587:
// octet-counted and newline-framed, told apart per frame), TLS optional
// (RFC 5425, OpenSSL). TCP pushes back: a connection's thread blocks on the
// pipeline's queue, stops reading, and the sender's window fills. UDP cannot
// push back: when the queue is full the batch is dropped and counted.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <list>
#include <mutex>
#include <set>
#include <thread>

#include "metrics/registry.h"
#include "sources/line_batch.h"
#include "sources/sources.h"
#include "sources/syslog_framing.h"

namespace vigil {
namespace {

constexpr int kMaxConnections = 256;
constexpr int kIdleTimeoutMs = 200;  // poll granularity for batch deadlines and stop

struct Endpoint {
  std::string host;
  uint16_t port = 0;
};

Result<Endpoint> parse_endpoint(const std::string& text) {
  Endpoint e;
  size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorCode::kConfig, fmt::format("'{}' is not host:port", text));
  e.host = text.substr(0, colon);
  if (e.host.size() >= 2 && e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  const std::string port = text.substr(colon + 1);
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535)
    return make_error(ErrorCode::kConfig, fmt::format("'{}': bad port", text));
  e.port = static_cast<uint16_t>(p);
  return e;
}

// A bound socket; returns the fd and the port actually bound.
Result<std::pair<int, uint16_t>> bind_socket(const Endpoint& e, int type) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(e.port);
  if (int rc = getaddrinfo(e.host.empty() ? nullptr : e.host.c_str(), port.c_str(), &hints, &res)) {
    return make_error(ErrorCode::kConfig, fmt::format("{}: {}", e.host, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  const int fd = ::socket(res->ai_family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(ErrorCode::kIo,
                      fmt::format("bind {}:{}: {}", e.host, e.port, std::strerror(err)));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const uint16_t actual = bound.ss_family == AF_INET6
                              ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                              : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return std::make_pair(fd, actual);
}

class SyslogSource final : public Source {
 public:
  SyslogSource(const SourceConfig& config, std::unique_ptr<BatchSink> owned, BatchSink& sink,
               const SourceCounters& counters)
      : config_(config), owned_sink_(std::move(owned)), sink_(sink) {
    stats_.exported = counters;
  }
  ~SyslogSource() override {
    stop();
    if (tls_) SSL_CTX_free(tls_);
  }

  Result<void> start() {
    if (!config_.tls_cert.empty()) {
      if (auto r = load_tls(); !r) return r;
    }
    if (!config_.udp.empty()) {
      auto ep = parse_endpoint(config_.udp);
      if (!ep) return tl::unexpected(ep.error());
      auto bound = bind_socket(*ep, SOCK_DGRAM);
      if (!bound) return tl::unexpected(bound.error());
      udp_fd_ = bound->first;
      udp_port_ = bound->second;
      int size = 8 << 20;  // absorb bursts while the pipeline catches up
      ::setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      udp_thread_ = std::thread([this] { udp_loop(); });
    }
    if (!config_.tcp.empty()) {
      auto ep = parse_endpoint(config_.tcp);
      if (!ep) return tl::unexpected(ep.error());
      auto bound = bind_socket(*ep, SOCK_STREAM);
      if (!bound) return tl::unexpected(bound.error());
      tcp_fd_ = bound->first;
      tcp_port_ = bound->second;
      if (::listen(tcp_fd_, 128) != 0)
        return make_error(ErrorCode::kIo, fmt::format("listen: {}", std::strerror(errno)));
      tcp_thread_ = std::thread([this] { accept_loop(); });
    }
    return {};
  }

  const std::string& name() const override { return config_.name; }
  const SourceStats& stats() const override { return stats_; }
  uint16_t udp_port() const override { return udp_port_; }
  uint16_t tcp_port() const override { return tcp_port_; }

  void stop() override {
    if (stopping_.exchange(true)) return;
    if (udp_thread_.joinable()) udp_thread_.join();
    if (tcp_thread_.joinable()) tcp_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connection_threads_) t.join();
    if (udp_fd_ >= 0) ::close(udp_fd_);
    if (tcp_fd_ >= 0) ::close(tcp_fd_);
    udp_fd_ = tcp_fd_ = -1;
    if (stats_.dropped > 0)
      spdlog::warn("source {}: {} UDP messages dropped (queue full)", config_.name,
                   stats_.dropped.load());
  }

 private:
  Result<void> load_tls() {
    tls_ = SSL_CTX_new(TLS_server_method());
    if (tls_ == nullptr) return make_error(ErrorCode::kIo, "TLS: cannot create a context");
    SSL_CTX_set_min_proto_version(tls_, TLS1_2_VERSION);
    // No TLS 1.3 session tickets: a sender that writes and closes without
    // reading them leaves them unread, its kernel answers with a reset, and
    // the reset discards the last messages still in our receive buffer.
    SSL_CTX_set_num_tickets(tls_, 0);
    if (SSL_CTX_use_certificate_chain_file(tls_, config_.tls_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_, config_.tls_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(tls_) != 1) {
      char why[256];
      ERR_error_string_n(ERR_get_error(), why, sizeof why);
      return make_error(ErrorCode::kIo,
                        fmt::format("source {}: TLS certificate/key ({}, {}): {}", config_.name,
                                    config_.tls_cert, config_.tls_key, why));
    }
    return {};
  }

  void submit(LineBatch& batch, SubmitMode mode) {
    if (batch.empty()) return;
    const size_t n = batch.lines();
    if (sink_.submit(batch.take(), mode)) {
      stats_.add_lines(n);
    } else {
      stats_.add_dropped(n);  // UDP with a full queue, or the store is failing
    }
  }

  bool batch_due(const LineBatch& b) const {
    return !b.empty() && (b.full() || std::chrono::steady_clock::now() - b.started() >
                                          std::chrono::milliseconds(config_.batch_delay_ms));
  }

  void udp_loop() {
    LineBatch batch(config_.decoder, config_.batch_lines);
    std::string buf(65536, '\0');
    while (!stopping_) {
      pollfd p{udp_fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, kIdleTimeoutMs);
      if (ready > 0) {
        const ssize_t n = ::recv(udp_fd_, buf.data(), buf.size(), 0);
        if (n > 0) {
          std::string_view msg =
              without_line_end(std::string_view(buf.data(), static_cast<size_t>(n)));
          if (msg.size() > config_.max_message_bytes) {
            msg = msg.substr(0, config_.max_message_bytes);
            stats_.add_truncated();
          }
          if (!msg.empty()) batch.add(msg);
        }
      }
      if (batch_due(batch)) submit(batch, SubmitMode::kFailFast);
    }
    submit(batch, SubmitMode::kFailFast);
  }

  void accept_loop() {
    while (!stopping_) {
      pollfd p{tcp_fd_, POLLIN, 0};
      if (::poll(&p, 1, kIdleTimeoutMs) <= 0) continue;
      const int fd = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex_);
      if (static_cast<int>(open_fds_.size()) >= kMaxConnections) {
        spdlog::warn("source {}: more than {} connections; closing a new one", config_.name,
                     kMaxConnections);
        ::close(fd);
        continue;
      }
      open_fds_.insert(fd);
      ++stats_.connections;
      connection_threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // One connection: read, frame, batch; a full queue blocks this thread.
  void serve(int fd) {
    SSL* ssl = nullptr;
    if (tls_ != nullptr) {
      timeval tv{10, 0};  // a handshake that never comes does not hold a thread forever
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ssl = SSL_new(tls_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        spdlog::warn("source {}: TLS handshake failed", config_.name);
        SSL_free(ssl);
        return close_connection(fd);
      }
      timeval none{0, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
    }
    LineBatch batch(config_.decoder, config_.batch_lines);
    SyslogFramer framer(config_.max_message_bytes);
    std::string buf(65536, '\0');
    auto on_message = [&](std::string_view msg, bool cut) {
      if (cut) stats_.add_truncated();
      batch.add(msg);
      if (batch.full()) submit(batch, SubmitMode::kBlock);
    };
    while (!stopping_) {
      if (ssl == nullptr || SSL_pending(ssl) == 0) {
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, kIdleTimeoutMs);
        if (ready == 0) {
          if (batch_due(batch)) submit(batch, SubmitMode::kBlock);
          continue;
        }
        if (ready < 0) break;
      }
      const ssize_t n = ssl ? SSL_read(ssl, buf.data(), static_cast<int>(buf.size()))
                            : ::recv(fd, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      framer.feed(std::string_view(buf.data(), static_cast<size_t>(n)), on_message);
      if (batch_due(batch)) submit(batch, SubmitMode::kBlock);
    }
    framer.finish(on_message);  // a last newline-framed message without its newline
    submit(batch, SubmitMode::kBlock);
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    close_connection(fd);
  }

  void close_connection(int fd) {
    std::lock_guard lock(mutex_);
    open_fds_.erase(fd);
    ::close(fd);
  }

  const SourceConfig config_;
  std::unique_ptr<BatchSink> owned_sink_;  // the PipelineSink made for a pipeline
  BatchSink& sink_;
  SSL_CTX* tls_ = nullptr;
  int udp_fd_ = -1, tcp_fd_ = -1;
  uint16_t udp_port_ = 0, tcp_port_ = 0;
  std::thread udp_thread_, tcp_thread_;
  std::mutex mutex_;
  std::set<int> open_fds_;
  std::list<std::thread> connection_threads_;
  std::atomic<bool> stopping_{false};
  SourceStats stats_;
};

}  // namespace

namespace {

Result<std::unique_ptr<Source>> start_listening(std::unique_ptr<SyslogSource> source) {
  if (auto r = source->start(); !r) return tl::unexpected(r.error());
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

Result<std::unique_ptr<Source>> start_syslog_source(const SourceConfig& config, Pipeline& pipeline,
                                                    const SourceCounters& counters) {
  auto sink = std::make_unique<PipelineSink>(pipeline);
  BatchSink& to = *sink;
  return start_listening(std::make_unique<SyslogSource>(config, std::move(sink), to, counters));
}

Result<std::unique_ptr<Source>> start_syslog_source(const SourceConfig& config, BatchSink& sink,
                                                    const SourceCounters& counters) {
  return start_listening(std::make_unique<SyslogSource>(config, nullptr, sink, counters));
}

std::vector<SourceCounters> register_source_counters(metrics::Registry& registry,
                                                     const std::vector<std::string>& names) {
  auto& table = registry.counter_table(
      "vigil_source_messages_total",
      "Messages a source read: accepted (handed to the pipeline), dropped (UDP, queue full), "
      "truncated (cut at max_message_bytes)",
      {metrics::LabelDim::fixed("source", names),
       metrics::LabelDim::fixed("outcome", {"accepted", "dropped", "truncated"})});
  std::vector<SourceCounters> out;
  for (size_t i = 0; i < names.size(); ++i)
    out.push_back({&table.at(i, 0), &table.at(i, 1), &table.at(i, 2)});
  return out;
}

Result<std::vector<std::unique_ptr<Source>>> start_sources(const Config& config, Pipeline& pipeline,
                                                           const std::string& state_dir,
                                                           metrics::Registry* registry) {
  std::vector<std::unique_ptr<Source>> out;
  const DecoderCatalog catalog = decoder_catalog(config);
  std::vector<std::string> names;
  for (const auto& s : config.sources) names.push_back(s.name);
  std::vector<SourceCounters> counters(config.sources.size());
  if (registry != nullptr && !names.empty()) counters = register_source_counters(*registry, names);
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& s = config.sources[i];
    if (auto d = make_decoder(s.decoder, catalog); !d) {
      return make_error(ErrorCode::kConfig,
                        fmt::format("source {}: {}", s.name, d.error().message));
    }
    auto started = s.type == "file" ? start_file_source(s, pipeline, state_dir, counters[i])
                                    : start_syslog_source(s, pipeline, counters[i]);
    if (!started) return tl::unexpected(started.error());
    out.push_back(std::move(*started));
  }
  return out;
}

}  // namespace vigil
