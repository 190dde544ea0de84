// vigil's HTTP API: event ingest and search, alerts, health, readiness and
// metrics.
// Handlers only parse parameters and hand work to the pipeline; they never
// touch the store's write path themselves.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "alert/alert_router.h"
#include "api/bearer_auth.h"
#include "config/config.h"
#include "core/error.h"
#include "core/value.h"
#include "metrics/vigil_metrics.h"
#include "pipeline/pipeline.h"

namespace vigil {
namespace intel {
class IntelService;
}

struct ListenAddress {
  std::string host;
  int port = 0;
};
Result<ListenAddress> parse_listen_address(std::string_view s);
bool is_loopback_host(std::string_view host);

class HttpServer {
 public:
  // `alerts` may be null (no alert routes then answer 404).
  HttpServer(const ServerConfig& config, Pipeline& pipeline, VigilMetrics* metrics,
             AlertRouter* alerts = nullptr);
  ~HttpServer();

  // Binds the socket (port 0 picks a free port). Refuses a non-loopback
  // address without auth tokens.
  Result<int> bind();
  // POST /api/v1/rules/reload calls this: the number of rules now running,
  // or an error saying why the running rules were kept. Unset: 404.
  using RulesReloader = std::function<Result<size_t>()>;
  void set_rules_reloader(RulesReloader reloader) { reload_rules_ = std::move(reloader); }

  // The /api/v1/intel routes answer 404 until this is set.
  void set_intel(intel::IntelService* intel) { intel_ = intel; }
  // GET /api/v1/entities/{type}/{id} calls this: the sanitized view of the
  // entity's behavioural baseline, nullopt when unknown. Unset: 404.
  using EntityLookup =
      std::function<std::optional<Value>(std::string_view type, std::string_view id)>;
  void set_entity_lookup(EntityLookup lookup) { entity_lookup_ = std::move(lookup); }

  // Serves until stop(); blocking.
  void serve();
  void stop();

 private:
  void install_routes();
  bool authorize(const httplib::Request& req, httplib::Response& res) const;
  // The 401/403 in the shape Beats or HEC clients read; false for other paths.
  static bool reply_shipper_unauthorized(const httplib::Request& req, httplib::Response& res);
  void post_events(const httplib::Request& req, httplib::Response& res);
  void get_events(const httplib::Request& req, httplib::Response& res);
  void get_alerts(const httplib::Request& req, httplib::Response& res);
  void get_alert(const httplib::Request& req, httplib::Response& res);
  void post_alert(const httplib::Request& req, httplib::Response& res);
  void post_rules_reload(httplib::Response& res);
  void post_bulk(const httplib::Request& req, httplib::Response& res);
  void post_hec(const httplib::Request& req, httplib::Response& res);
  void get_elastic_banner(httplib::Response& res);
  void get_entity(const httplib::Request& req, httplib::Response& res);
  void get_metrics(httplib::Response& res);
  void get_intel_lookup(const httplib::Request& req, httplib::Response& res);
  void post_intel_indicator(const httplib::Request& req, httplib::Response& res);
  void delete_intel_indicator(const httplib::Request& req, httplib::Response& res);
  void get_intel_feeds(httplib::Response& res);
  void get_readyz(httplib::Response& res);

  const ServerConfig config_;
  Pipeline& pipeline_;
  VigilMetrics* metrics_;
  AlertRouter* alerts_;
  RulesReloader reload_rules_;
  intel::IntelService* intel_ = nullptr;
  EntityLookup entity_lookup_;
  BearerAuth auth_;
  httplib::Server server_;
  int listen_fd_ = -1;
};

}  // namespace vigil
