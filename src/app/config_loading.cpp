#include "app/config_loading.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace vigil {

std::optional<Config> load_effective_config(const Overrides& o) {
  Result<Config> loaded =
      o.config_file.empty() ? Result<Config>(default_config()) : load_config_file(o.config_file);
  if (!loaded) {
    fmt::print(stderr, "vigil: {}\n", loaded.error().message);
    return std::nullopt;
  }
  Config c = std::move(*loaded);
  if (!o.listen.empty()) c.server.listen = o.listen;
  if (!o.data_dir.empty()) c.storage.data_dir = o.data_dir;
  if (!o.geoip.empty()) c.enrich.geoip = o.geoip;
  return c;
}

std::optional<Config> load_decoding_config(const Overrides& overrides, int year) {
  auto config = load_effective_config(overrides);
  if (config && year != 0) config->ingest.syslog_year = year;
  return config;
}

void init_logging(const LoggingConfig& config) {
  auto logger = spdlog::stderr_logger_mt("vigil");
  logger->set_level(spdlog::level::from_str(config.level));
  spdlog::set_default_logger(logger);
}

int run_check_config(const std::string& file) {
  auto c = load_config_file(file);
  if (!c) {
    fmt::print(stderr, "vigil: {}\n", c.error().message);
    return kExitUsage;
  }
  fmt::print("{}: ok\n", file);
  return kExitOk;
}

}  // namespace vigil
