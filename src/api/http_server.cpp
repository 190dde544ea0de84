#include "api/http_server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <charconv>

#include "api/connection_pool.h"
#include "api/replies.h"
#include "core/json_writer.h"

namespace vigil {

Result<ListenAddress> parse_listen_address(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(ErrorCode::kConfig, fmt::format("listen address '{}' is not HOST:PORT", s));
  }
  std::string_view host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  const auto port_text = s.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return make_error(ErrorCode::kConfig, fmt::format("listen address '{}' has a bad port", s));
  }
  return ListenAddress{std::string(host), port};
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

HttpServer::HttpServer(const ServerConfig& config, Pipeline& pipeline, VigilMetrics* metrics,
                       AlertRouter* alerts)
    : config_(config),
      pipeline_(pipeline),
      metrics_(metrics),
      alerts_(alerts),
      auth_(config.auth_tokens) {
  const auto max_connections = static_cast<size_t>(config_.max_connections);
  server_.new_task_queue = [max_connections] { return new ConnectionPool(max_connections); };
  server_.set_payload_max_length(config_.max_body_bytes);
  server_.set_read_timeout(config_.read_timeout_s, 0);
  server_.set_write_timeout(config_.write_timeout_s, 0);
  server_.set_keep_alive_timeout(config_.idle_timeout_s);
  server_.set_keep_alive_max_count(1000);
  // A reply goes out in two writes (headers, body): with Nagle the body waits for the
  // client's delayed ACK of the headers, up to 40 ms per request on a kept-alive
  // connection (bench/http_ingest: 250 ms a request under load, 31 k events/s).
  server_.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which would let a second vigil share
  // the port silently. Keep only SO_REUSEADDR, and remember the socket so the
  // listen backlog can be raised from httplib's fixed 5.
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = sock;
  });
  install_routes();
}

HttpServer::~HttpServer() {
  stop();
}

Result<int> HttpServer::bind() {
  auto addr = parse_listen_address(config_.listen);
  if (!addr) return tl::unexpected(addr.error());
  if (!is_loopback_host(addr->host) && !auth_.enabled()) {
    return make_error(
        ErrorCode::kConfig,
        fmt::format("refusing to listen on {} without server.auth_tokens: the API would be "
                    "open to the network",
                    config_.listen));
  }
  int port = addr->port;
  if (port == 0) {
    port = server_.bind_to_any_port(addr->host);
    if (port < 0) port = 0;
  } else if (!server_.bind_to_port(addr->host, port)) {
    port = 0;
  }
  if (port == 0)
    return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}", config_.listen));
  if (listen_fd_ >= 0 && ::listen(listen_fd_, config_.listen_backlog) != 0) {
    spdlog::warn("could not raise the listen backlog to {}", config_.listen_backlog);
  }
  return port;
}

void HttpServer::serve() {
  server_.listen_after_bind();
}

void HttpServer::stop() {
  if (server_.is_running()) server_.stop();
}

bool HttpServer::authorize(const httplib::Request& req, httplib::Response& res) const {
  if (auth_.allows(req.get_header_value("Authorization"))) return true;
  if (reply_shipper_unauthorized(req, res)) return false;
  res.status = 401;
  res.set_header("WWW-Authenticate", "Bearer realm=\"vigil\"");
  res.set_content(R"({"error":"missing or invalid bearer token"})", "application/json");
  return false;
}

void HttpServer::install_routes() {
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Everything but the probes needs the token, shipper endpoints included.
    const bool open = req.path == "/metrics" || req.path == "/healthz" || req.path == "/readyz" ||
                      req.path == "/services/collector/health";
    if (!open && !authorize(req, res)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    if (metrics_) metrics_->record_http_request(res.status);
  });
  server_.Post("/api/v1/events", [this](const auto& req, auto& res) { post_events(req, res); });
  server_.Get("/api/v1/events", [this](const auto& req, auto& res) { get_events(req, res); });
  server_.Get("/api/v1/alerts", [this](const auto& req, auto& res) { get_alerts(req, res); });
  server_.Get(R"(/api/v1/alerts/([0-9a-f]{1,64}))",
              [this](const auto& req, auto& res) { get_alert(req, res); });
  server_.Post(R"(/api/v1/alerts/([0-9a-f]{1,64}))",
               [this](const auto& req, auto& res) { post_alert(req, res); });
  server_.Post("/api/v1/rules/reload", [this](const auto&, auto& res) { post_rules_reload(res); });
  server_.Get("/api/v1/intel/lookup",
              [this](const auto& req, auto& res) { get_intel_lookup(req, res); });
  server_.Post("/api/v1/intel/indicators",
               [this](const auto& req, auto& res) { post_intel_indicator(req, res); });
  server_.Delete(R"(/api/v1/intel/indicators/([0-9a-f]{16}))",
                 [this](const auto& req, auto& res) { delete_intel_indicator(req, res); });
  server_.Get("/api/v1/intel/feeds", [this](const auto&, auto& res) { get_intel_feeds(res); });
  server_.Get(R"(/api/v1/entities/([^/]{1,64})/([^/]{1,1024}))",
              [this](const auto& req, auto& res) { get_entity(req, res); });
  server_.Get("/metrics", [this](const auto&, auto& res) { get_metrics(res); });
  server_.Get("/healthz", [](const auto&, auto& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server_.Get("/readyz", [this](const auto&, auto& res) { get_readyz(res); });
  // What log shippers send (src/api/shipper_routes.cpp).
  server_.Post("/_bulk", [this](const auto& req, auto& res) { post_bulk(req, res); });
  server_.Post(R"(/([^/_][^/]*)/_bulk)",
               [this](const auto& req, auto& res) { post_bulk(req, res); });
  server_.Get("/", [this](const auto&, auto& res) { get_elastic_banner(res); });
  for (const char* path :
       {"/services/collector", "/services/collector/event", "/services/collector/event/1.0"}) {
    server_.Post(path, [this](const auto& req, auto& res) { post_hec(req, res); });
  }
  server_.Get("/services/collector/health", [](const auto&, auto& res) {
    res.set_content(R"({"text":"HEC is healthy","code":17})", "application/json");
  });
}

void HttpServer::post_rules_reload(httplib::Response& res) {
  if (!reload_rules_) return api::reply_error(res, 404, "no rules to reload");
  auto reloaded = reload_rules_();
  if (!reloaded) return api::reply_error(res, 422, reloaded.error().message);
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("reloaded", true);
  w.field("rules", static_cast<uint64_t>(*reloaded));
  w.close();
  api::reply_json(res, 200, out);
}

void HttpServer::get_entity(const httplib::Request& req, httplib::Response& res) {
  if (!entity_lookup_) return api::reply_error(res, 404, "behavioural baselines are off");
  auto view = entity_lookup_(req.matches[1].str(), req.matches[2].str());
  if (!view) return api::reply_error(res, 404, "no baseline for this entity");
  fmt::memory_buffer out;
  append_json(out, *view);
  api::reply_json(res, 200, out);
}

void HttpServer::get_readyz(httplib::Response& res) {
  const Readiness r = pipeline_.readiness();
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("ready", r.ready);
  if (!r.ready) w.field("reason", r.reason);
  w.close();
  res.status = r.ready ? 200 : 503;
  res.set_content(fmt::to_string(out), "application/json");
}

void HttpServer::get_metrics(httplib::Response& res) {
  if (metrics_) metrics_->set_queue_depth(pipeline_.queue_depth(), pipeline_.queue_capacity());
  res.set_content(metrics_ ? metrics_->render() : std::string(),
                  "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace vigil
