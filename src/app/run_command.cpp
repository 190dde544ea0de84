// `vigil run`: the daemon.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "api/http_server.h"
#include "app/commands.h"
#include "app/config_loading.h"
#include "app/engine.h"
#include "sources/sources.h"

namespace vigil {

int run_daemon(const Overrides& overrides) {
  auto config = load_effective_config(overrides);
  if (!config) return kExitUsage;
  init_logging(config->logging);

  // Signals are taken by one thread with sigwait, so no handler runs inside
  // arbitrary code: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto engine = Engine::create(*config, EngineOptions{});
  if (!engine) {
    spdlog::error("{}", engine.error().message);
    return engine.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  auto sources =
      start_sources(*config, (*engine)->pipeline(), config->storage.data_dir + "/sources",
                    &(*engine)->metrics().registry);
  if (!sources) {
    spdlog::error("{}", sources.error().message);
    return sources.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  for (const auto& s : *sources) {
    spdlog::info("source {} started{}{}", s->name(),
                 s->udp_port() ? fmt::format(", udp port {}", s->udp_port()) : "",
                 s->tcp_port() ? fmt::format(", tcp port {}", s->tcp_port()) : "");
  }
  HttpServer server(config->server, (*engine)->pipeline(), &(*engine)->metrics(),
                    &(*engine)->alerts());
  auto port = server.bind();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return port.error().code == ErrorCode::kConfig ? kExitUsage : kExitRuntime;
  }
  spdlog::info("vigil listening on {} (port {}), data in {}", config->server.listen, *port,
               config->storage.data_dir);

  server.set_intel((*engine)->intel());
  DetectionStage& detection = (*engine)->detection();
  server.set_rules_reloader([&detection]() -> Result<size_t> {
    RuleReload r = detection.reload();
    if (r.errors.empty()) return r.rules;
    std::string why = "rules not reloaded, the running rules stay:";
    for (const auto& e : r.errors) why += " " + e + ";";
    return make_error(ErrorCode::kInvalidInput, why);
  });

  if (auto* behavior = (*engine)->behavior()) {
    server.set_entity_lookup([behavior](std::string_view type, std::string_view id) {
      return behavior->describe(type, id);
    });
  }

  // SIGHUP reloads the rules; SIGINT and SIGTERM stop.
  std::thread signal_waiter([&] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) detection.reload();
    spdlog::info("signal {}: stopping", sig);
    server.stop();
  });
  server.serve();
  pthread_kill(signal_waiter.native_handle(), SIGTERM);  // wakes it if serve() ended on its own
  signal_waiter.join();
  for (auto& s : *sources) s->stop();  // hand over what they read before the pipeline drains
  (*engine)->pipeline().shutdown();
  spdlog::info("vigil stopped");
  return kExitOk;
}

}  // namespace vigil
