// vigil's configuration: one struct per section, every member with its
// default. `config/vigil.example.yaml` documents the same keys; the loader
// rejects keys it does not know, naming file, line and key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace vigil {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> auth_tokens;  // bearer tokens; empty = no auth (loopback only)
  uint64_t max_body_bytes = 64ull << 20;
  int max_connections = 512;
  int listen_backlog = 1024;
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  int idle_timeout_s = 30;  // keep-alive idle time before the server closes
  int retry_after_s = 1;
};

struct IngestConfig {
  std::string timestamp_field = "timestamp";
  int max_depth = 32;
  uint64_t max_field_bytes = 64 << 10;
  uint64_t max_event_bytes = 1 << 20;
  uint64_t queue_capacity = 65536;  // events waiting between ingest and the store
};

struct NormalizeConfig {
  // canonical ECS path -> source fields tried in order (first present wins)
  std::map<std::string, std::vector<std::string>> aliases;
};

struct SanitizeConfig {
  // pattern name -> action: redact | pseudonymize | anonymize_ip | drop
  std::map<std::string, std::string> actions;
  std::vector<std::string> sensitive_keys;  // added to the built-in list
  std::string pseudonymize_key;             // HMAC key; else $VIGIL_PSEUDONYMIZE_KEY
  int ipv4_prefix = 24;
  int ipv6_prefix = 48;
};

struct LookupTableConfig {
  std::string name;
  std::string file;         // CSV with a header row
  std::string key_column;   // column matched against `match_field`
  std::string match_field;  // canonical field of the event, e.g. user.name
  std::string target;       // where the row's other columns go, e.g. user.lookup
};

struct EnrichConfig {
  std::string geoip;  // .mmdb path; empty = GeoIP off
  std::string asn;    // optional separate ASN .mmdb
  std::vector<std::string> ip_fields = {"source.ip", "destination.ip"};
  std::vector<LookupTableConfig> lookups;
};

struct StorageConfig {
  std::string data_dir = "./data";
  int retention_days = 30;
  uint64_t batch_max_events = 8192;
  int max_batch_delay_ms = 5;
  std::string synchronous = "full";  // full | normal (normal is not power-loss safe)
  // Less free space than this counts as full: writes are refused and ingest
  // resumes only once this much is free again.
  uint64_t min_free_bytes = 64ull << 20;
};

// One alert destination. Each runs on its own thread behind a bounded queue,
// so a slow or dead destination drops (and counts) alerts instead of
// blocking detection.
struct AlertOutputConfig {
  std::string type{};  // log | stdout | file | webhook | syslog
  std::string name{};  // label in metrics and logs; defaults to the type
  uint64_t queue_size = 10000;
  // file
  std::string path{};
  uint64_t max_bytes = 100ull << 20;  // rotate past this size
  int max_files = 5;                  // rotated files kept: path.1 .. path.N
  // webhook
  std::string url{};
  std::map<std::string, std::string> headers{};
  std::string bearer_token_env{};  // environment variable holding a bearer token
  int timeout_ms = 5000;
  int max_retries = 5;
  int retry_backoff_ms = 500;  // doubled per retry, capped at 30 s
  // syslog (RFC 5424; TCP uses octet-counting framing, RFC 6587)
  std::string address{};  // host:port
  std::string protocol = "udp";
  int facility = 13;  // log audit
  std::string app_name = "vigil";
};

struct AlertsConfig {
  // Repeats of one rule for one entity within this many seconds of the
  // alert's first event update that alert (count, last_seen).
  int dedupe_window_s = 300;
  uint64_t max_tracked_groups = 100000;  // dedupe state kept in memory
  int max_events_per_alert = 10;         // triggering events kept in an alert
  std::vector<AlertOutputConfig> outputs = {AlertOutputConfig{.type = "log"}};
};

// Sigma detection. Rules load at start-up; a rule that fails is logged with
// file, line and reason, and every other rule still runs.
struct DetectConfig {
  bool builtin_rules = true;                  // the rule pack compiled in (rules/vigil)
  std::vector<std::string> rules;             // Sigma rule files or directories
  std::vector<std::string> logsource_tables;  // thor.yml-style tables for the Windows mapping
  // Values for `expand` modifier placeholders (%name%).
  std::map<std::string, std::vector<std::string>> placeholders;
};

// Behavioural baselines (UEBA): per-entity profiles learned in event time and
// the anomalies scored against them (src/behavior/behavior.h).
struct BehaviorConfig {
  bool enabled = true;
  std::string entity = "user";     // user | host | source_ip: whose behaviour is learned
  double half_life_days = 30;      // weight of old activity halves every this many days
  uint64_t max_entities = 100000;  // least-recently-seen entities beyond this are evicted
  int max_values = 64;             // per entity and dimension (resources, countries, ...)
  // Learning period: no alert for an entity before min_events over min_days.
  int min_events = 50;
  double min_days = 7;
  // An hour of the week with a smoothed probability below this is unusual.
  double time_threshold = 0.001;
  // A country / resource / device never seen is unusual when the entity's
  // estimated chance of meeting a new one (Good-Turing) is below this.
  double novelty_threshold = 0.05;
  double max_speed_kmh = 1000;  // impossible_travel above this speed
  double min_travel_km = 200;   // geolocation is not precise below this
  // data_volume_spike: log-volume z-score and ratio to the usual (geometric mean).
  double volume_z_threshold = 4;
  double volume_min_ratio = 10;
  int volume_min_samples = 20;
  std::string user_agent_regexes = "/usr/share/uap-core/regexes.yaml";
  std::vector<std::string> user_agent_fields = {"user_agent.original", "user_agent",
                                                "http.user_agent", "userAgent"};
  std::vector<std::string> device_fields = {"device.id", "device_id"};
  int flush_interval_s = 60;  // baselines written to behavior.db this often
};

struct MetricsConfig {
  int max_event_type_labels = 64;
};

struct LoggingConfig {
  std::string level = "info";
};

struct PipelineConfig {
  int workers = 0;  // 0 = number of cores
};

struct Config {
  std::string source_file;  // empty when running on embedded defaults
  ServerConfig server;
  IngestConfig ingest;
  NormalizeConfig normalize;
  SanitizeConfig sanitize;
  EnrichConfig enrich;
  StorageConfig storage;
  MetricsConfig metrics;
  LoggingConfig logging;
  PipelineConfig pipeline;
  AlertsConfig alerts;
  DetectConfig detect;
  BehaviorConfig behavior;
};

// The embedded defaults (what `vigil run` uses with no --config).
Config default_config();
Result<Config> load_config_file(const std::string& path);
Result<Config> load_config_string(const std::string& yaml, const std::string& name);

}  // namespace vigil
