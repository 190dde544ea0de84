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
  // The year of syslog (RFC 3164) timestamps, which carry none; 0 = infer it
  // from the time of reading (a line never lies more than 2 days ahead).
  int syslog_year = 0;
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

// A change to one correlation rule's window or thresholds, so users tune the
// built-in pack without editing its logic (detect.correlation_overrides).
struct CorrelationOverride {
  std::string timespan;                                   // e.g. "10m"; empty keeps the rule's
  std::vector<std::pair<std::string, double>> condition;  // e.g. {"gte", 10}; replaces the rule's
};

// Streaming correlation state (src/state), see docs/sigma-support.md.
struct CorrelationConfig {
  uint64_t max_groups = 100000;           // groups in memory; least recently seen evicted
  uint64_t max_events_per_group = 10000;  // window entries per group; oldest dropped
  int allowed_lateness_s = 60;            // older events than newest-seen minus this are ignored
  uint64_t max_evidence_mb = 64;          // triggering events held by all windows (compact JSON)
};

// Sigma detection. Rules load at start-up; a rule that fails is logged with
// file, line and reason, and every other rule still runs.
struct DetectConfig {
  bool builtin_rules = true;                  // the rule pack compiled in (rules/vigil)
  std::vector<std::string> rules;             // Sigma rule files or directories
  std::vector<std::string> logsource_tables;  // thor.yml-style tables for the Windows mapping
  // Values for `expand` modifier placeholders (%name%).
  std::map<std::string, std::vector<std::string>> placeholders;
  CorrelationConfig correlation;
  // Correlation rule name or id -> new timespan and/or condition.
  std::map<std::string, CorrelationOverride> correlation_overrides;
};

// Threat intelligence (docs/intel.md). Durations are written "30d", "12h",
// "90m", "3600s" and held in seconds.
struct IntelFeedConfig {
  std::string name{};
  std::string type{};      // stix | taxii | misp | csv | text | api
  std::string location{};  // a file path or an http(s) URL
  int64_t schedule_s = 3600;
  std::string severity = "medium";  // when the feed gives none
  int confidence = 50;              // when the feed gives none
  std::vector<std::string> tags{};  // added to every indicator
  int64_t lifetime_s = 0;           // expiry when the feed gives none; 0 = intel.lifetimes
  std::string preset{};             // csv: feodo | urlhaus | threatfox | malwarebazaar | phishtank
  std::string indicator_type{};     // text: every line is this type; empty = inferred
  bool include_subdomains = false;  // domain entries also match subdomains
  // HTTP
  int timeout_s = 60;
  std::map<std::string, std::string> headers{};
  std::string auth_header{};       // header name whose value is $auth_env (e.g. Auth-Key)
  std::string auth_env{};          // environment variable holding that header's value
  std::string bearer_token_env{};  // Authorization: Bearer $bearer_token_env
  std::string username{};          // basic auth user; the password is $password_env
  std::string password_env{};
  // taxii
  std::string api_root{};    // URL; empty = the discovery's default (else its first)
  std::string collection{};  // id or title
  int page_size = 1000;      // `limit` per objects request
  // api
  std::string method = "GET";  // GET | POST
  std::string body{};          // request body (POST)
  std::string items{};         // JSON pointer to the list in the reply; empty = the reply
  // vigil field (value, type, severity, confidence, tags, first_seen, last_seen,
  // valid_until, description, reference) -> JSON pointer inside one item
  std::map<std::string, std::string> fields{};
  std::map<std::string, std::string> type_map{};  // the feed's type names -> vigil's
  std::string next_link{};   // JSON pointer to the next page's URL in the reply
  std::string page_param{};  // or: a page-number query parameter
  int first_page = 1;
  int max_pages = 100;
};

struct IntelInternalConfig {
  bool enabled = true;
  int64_t lifetime_s = 7 * 86400;
  std::string min_severity = "high";  // alerts at or above this feed the `vigil` source
  std::vector<std::string> rules{};   // only these rule names (empty = any rule)
  int confidence = 70;
};

struct IntelConfig {
  bool enabled = true;
  // Event fields checked per type (dotted paths, raw values, arrays allowed).
  std::vector<std::string> ip_fields = {"source.ip", "destination.ip", "client.ip", "server.ip",
                                        "host.ip",   "ip_address",     "related.ip"};
  std::vector<std::string> domain_fields = {"destination.domain", "source.domain", "url.domain",
                                            "dns.question.name",  "server.domain", "domain"};
  std::vector<std::string> url_fields = {"url.full", "url.original", "url",
                                         "http.request.referrer"};
  std::vector<std::string> hash_fields = {
      "file.hash.md5",    "file.hash.sha1",    "file.hash.sha256",    "file.hash.sha512",
      "process.hash.md5", "process.hash.sha1", "process.hash.sha256", "hash"};
  std::vector<std::string> email_fields = {"email.from.address", "email.to.address",
                                           "email.sender.address", "user.email", "email"};
  // indicator type -> lifetime when a feed gives no expiry; unset types keep
  // the defaults (IPs and URLs 30d, cidr 90d, domains and e-mails 180d, hashes 365d).
  std::map<std::string, int64_t> lifetimes_s{};
  std::vector<std::string> allowlist{};  // IPs, CIDRs, domains, values (beside the defaults)
  bool default_allowlist = true;         // private, loopback, link-local, documentation ranges
  int64_t purge_interval_s = 3600;
  int64_t manual_lifetime_s = 90 * 86400;  // POST /api/v1/intel/indicators without valid_until
  IntelInternalConfig internal{};
  std::vector<IntelFeedConfig> feeds{};
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

// The Isolation Forest detector (`ml:`, docs/ml.md): a `general` model and
// one per event type, each trained in the background on a reservoir sample of
// recent events' features and persisted under <data_dir>/ml/.
struct MlSeverityThresholds {
  // On the anomaly score −score_samples (0.5 = typical, → 1 = isolated at once).
  double low = 0.6;  // an alert needs at least this (and the contamination cut)
  double medium = 0.65;
  double high = 0.72;
  double critical = 0.8;
};

struct MlConfig {
  bool enabled = true;
  std::string entity = "user";  // user | host | source_ip: whose history the features use
  int n_estimators = 50;
  int max_samples = 4096;                // rows per tree (at most the training rows)
  double contamination = 0.01;           // share of training rows past the model's alert cut
  uint64_t reservoir_size = 4096;        // training rows kept per model
  uint64_t reservoir_horizon = 1000000;  // the sample favours the last this many events; 0 = all
  double retrain_interval_s = 600;       // retraining this often (wall or event time, below)
  uint64_t min_training_rows = 1000;     // no model (so no alert) before this many rows
  bool per_event_type = true;            // a model per event.action besides `general`
  int max_event_types = 32;              // event types beyond this share only `general`
  uint64_t max_entities = 100000;        // per-entity history, least recently seen evicted
  int max_values = 64;                   // per entity: IPs, resources, places remembered
  int novelty_min_events = 10;           // novelty flags stay 0 for younger entities
  double rate_half_life_s = 3600;        // event rate and failure ratio forget this fast
  // A trained model is retrained only once this many new rows arrived.
  uint64_t retrain_min_new_rows = 1000;
  // wall: a background thread on the wall clock; event: in the event stream
  // on event time, so a replay is deterministic; auto: event in `vigil
  // replay`, wall otherwise.
  std::string retrain_clock = "auto";
  std::vector<std::string> query_fields = {"db.statement", "db.query.text", "query", "sql.query",
                                           "sql"};
  // The features the models split on (docs/ml.md "Which features the models
  // use"); the others stay in alerts' context. Checked against the schema
  // when the detector starts.
  std::vector<std::string> model_features = {"hour_rarity_bits",
                                             "data_volume_kb_log",
                                             "volume_vs_usual_log",
                                             "resource_count",
                                             "event_rate_per_hour_log",
                                             "failure_ratio",
                                             "new_resource",
                                             "new_place",
                                             "query_length_log",
                                             "query_entropy",
                                             "geo_distance_km_log",
                                             "travel_excess_kmh_log",
                                             "new_device"};
  MlSeverityThresholds severity{};
  uint64_t seed = 0;  // training randomness (per model and generation)
};

struct MetricsConfig {
  int max_event_type_labels = 64;
};

struct LoggingConfig {
  std::string level = "info";
};

struct PipelineConfig {
  int workers = 0;  // 0 = number of cores
  // Added to the decode workers' nice value: the stages downstream of them
  // (detect lanes, the store's writer) and the HTTP connections and sources
  // get a core first, so the pipeline drains before it takes in more.
  int worker_nice = 5;
};

// A decoder declared in YAML (`decoders:`), usable by name like the built-in
// ones: a regex (RE2, named groups), key=value pairs, or CSV columns.
struct DeclaredDecoderConfig {
  std::string name{};
  std::string type{};     // regex | kv | csv
  std::string pattern{};  // regex: RE2 with named groups, matched against the whole line
  std::vector<std::string> columns{};  // csv: column names, in order
  std::string delimiter = ",";         // csv: one character
  std::string pair_separator = " ";    // kv: between pairs
  std::string kv_separator = "=";      // kv: between key and value
  // group / key / column -> canonical field (unlisted ones keep their name)
  std::map<std::string, std::string> fields{};
  std::string timestamp{};                   // group / key / column holding the event time
  std::map<std::string, std::string> set{};  // constant fields, e.g. event.category
};

// One input. `file` follows paths like `tail -F`; `syslog` listens on UDP
// and/or TCP (optionally TLS). Each hands its lines to `decoder`.
struct SourceConfig {
  std::string type{};     // file | syslog
  std::string name{};     // defaults to the type plus its index
  std::string decoder{};  // default: syslog for syslog sources, json for files
  // file
  std::vector<std::string> paths{};  // paths or globs
  int poll_interval_ms = 250;
  bool start_at_end = false;  // new files: read from the end rather than the start
  // syslog
  std::string udp{};       // host:port; empty = no UDP listener
  std::string tcp{};       // host:port; empty = no TCP listener
  std::string tls_cert{};  // PEM; with tls_key, the TCP listener speaks TLS
  std::string tls_key{};
  uint64_t max_message_bytes = 64 << 10;
  uint64_t batch_lines = 1000;  // lines handed to the pipeline per work item
  int batch_delay_ms = 50;      // ... or after this long
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
  std::vector<DeclaredDecoderConfig> decoders;
  std::vector<SourceConfig> sources;
  IntelConfig intel;
  BehaviorConfig behavior;
  MlConfig ml;
};

// The embedded defaults (what `vigil run` uses with no --config).
Config default_config();
Result<Config> load_config_file(const std::string& path);
Result<Config> load_config_string(const std::string& yaml, const std::string& name);

}  // namespace vigil
