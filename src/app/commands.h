// The `vigil` subcommands. Each returns the process exit code:
// 0 ok, 1 runtime error, 2 usage or configuration error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Command-line values that override the config file (empty = not given).
struct Overrides {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::string geoip;
};

int run_daemon(const Overrides& overrides);
struct ReplayArgs {
  std::string input;        // NDJSON file, or - for stdin
  bool no_store = false;    // process without storing events or alerts
  std::string alerts_file;  // also write the replay's alerts here as JSON lines
  std::string format;       // decoder name (default json)
  int year = 0;             // year of syslog timestamps (0 = infer)
};
int run_replay(const Overrides& overrides, const ReplayArgs& args);
int run_check_config(const std::string& file);

// `vigil decode --decoder NAME FILE`: the canonical events, one JSON per line.
struct DecodeArgs {
  std::string decoder;
  std::string input;  // file (gzip read transparently) or - for stdin
  int year = 0;
};
int run_decode(const Overrides& overrides, const DecodeArgs& args);

// `vigil intel import|lookup` (src/app/intel_command.cpp).
struct IntelImportArgs {
  std::string format;  // stix, misp, csv, text
  std::string source;  // feed name; default "<format>:<file name>"
  std::string file;
  std::string preset;    // csv: feodo, urlhaus, threatfox, malwarebazaar, phishtank
  std::string type;      // text: every line is this indicator type
  std::string severity;  // default for entries without one
  int confidence = -1;   // default for entries without one (-1: 50)
};
int run_intel_import(const Overrides& overrides, const IntelImportArgs& args);
int run_intel_lookup(const Overrides& overrides, const std::string& value);

// `vigil anomaly evaluate` (src/app/anomaly_command.cpp).
struct AnomalyEvaluateArgs {
  std::string data;
  uint32_t seeds = 10;
  uint32_t trees = 100;
  uint32_t max_samples = 0;  // 0 = auto: min(256, rows)
};
int run_anomaly_score(const std::string& forest_file, const std::string& data_file);
int run_anomaly_evaluate(const AnomalyEvaluateArgs& args);

// `vigil rules validate|test` (src/app/rules_command.cpp).
struct RulesArgs {
  std::vector<std::string> paths;             // rule files or directories
  std::string events;                         // test: NDJSON, JSON array or concatenated objects
  std::string format;                         // test: decode --events with this decoder
  int year = 0;                               // test: year of syslog timestamps (0 = infer)
  bool json = false;                          // test: JSON lines instead of TSV
  std::vector<std::string> mappings;          // field-mapping files (default: the shipped ones)
  std::vector<std::string> logsource_tables;  // thor.yml-style tables merged into the mappings
};
int run_rules_validate(const RulesArgs& args);
// `overrides.config_file`: the config whose decoders, normalization and
// placeholders `rules test` uses (the embedded defaults without it).
int run_rules_test(const Overrides& overrides, const RulesArgs& args);

}  // namespace vigil
