// Config file + command-line overrides -> Config, reporting errors on stderr.
#pragma once

#include <optional>

#include "app/commands.h"
#include "config/config.h"

namespace vigil {

std::optional<Config> load_effective_config(const Overrides& overrides);
// The same, for the commands that decode logs (replay, decode, rules test):
// the config's declared decoders, and `year` (when not 0) for syslog
// timestamps that have none, so all three read a file the same way.
std::optional<Config> load_decoding_config(const Overrides& overrides, int year);
void init_logging(const LoggingConfig& config);

}  // namespace vigil
