// Config file + command-line overrides -> Config, reporting errors on stderr.
#pragma once

#include <optional>

#include "app/commands.h"
#include "config/config.h"

namespace vigil {

std::optional<Config> load_effective_config(const Overrides& overrides);
void init_logging(const LoggingConfig& config);

}  // namespace vigil
