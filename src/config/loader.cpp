// YAML -> Config. Each section has a reader that consumes known keys; any key
// left over is an error naming file, line and the full key path.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"
#include "config/declared_pattern.h"
#include "core/strings.h"

namespace vigil {
namespace {

struct ConfigError {
  std::string message;
};

class SectionReader {
 public:
  SectionReader(const YAML::Node& node, std::string path, const std::string& file)
      : node_(node), path_(std::move(path)), file_(file) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail(node_, "must be a mapping");
  }

  template <typename T>
  void read(const char* key, T& out) {
    seen_.insert(key);
    if (!node_ || node_.IsNull()) return;
    const YAML::Node child = node_[key];
    if (!child || child.IsNull()) return;
    try {
      out = child.as<T>();
    } catch (const YAML::Exception&) {
      fail(child, fmt::format("{} has the wrong type", full(key)));
    }
  }

  // A duration ("30d", "12h", "90m", "3600s" or seconds) into seconds.
  void read_duration(const char* key, int64_t& seconds) {
    std::string text;
    read(key, text);
    if (text.empty()) return;
    const auto parsed = parse_duration_seconds(text);
    if (!parsed)
      fail(node_[key],
           fmt::format("{}: '{}' is not a duration (30d, 12h, 90m, 3600s)", full(key), text));
    seconds = *parsed;
  }

  YAML::Node child(const char* key) {
    seen_.insert(key);
    if (!node_ || node_.IsNull()) return YAML::Node();
    return node_[key];
  }

  // Call after all reads: every key present must have been consumed.
  void finish() const {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const auto key = kv.first.as<std::string>();
      if (!seen_.count(key)) fail(kv.first, fmt::format("unknown key '{}'", full(key)));
    }
  }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    throw ConfigError{fmt::format("{}:{}: {}", file_, at.Mark().line + 1, what)};
  }
  std::string full(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const std::string& file() const { return file_; }

 private:
  YAML::Node node_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> seen_;
};

void read_server(SectionReader r, ServerConfig& c) {
  r.read("listen", c.listen);
  r.read("auth_tokens", c.auth_tokens);
  r.read("max_body_bytes", c.max_body_bytes);
  r.read("max_connections", c.max_connections);
  r.read("listen_backlog", c.listen_backlog);
  r.read("read_timeout_s", c.read_timeout_s);
  r.read("write_timeout_s", c.write_timeout_s);
  r.read("idle_timeout_s", c.idle_timeout_s);
  r.read("retry_after_s", c.retry_after_s);
  r.finish();
}

void read_ingest(SectionReader r, IngestConfig& c) {
  r.read("timestamp_field", c.timestamp_field);
  r.read("max_depth", c.max_depth);
  r.read("max_field_bytes", c.max_field_bytes);
  r.read("max_event_bytes", c.max_event_bytes);
  r.read("queue_capacity", c.queue_capacity);
  r.read("syslog_year", c.syslog_year);
  r.finish();
}

void read_normalize(SectionReader r, NormalizeConfig& c) {
  // Configured aliases extend (and per canonical field replace) the defaults.
  std::map<std::string, std::vector<std::string>> extra;
  r.read("aliases", extra);
  for (auto& [field, sources] : extra) c.aliases[field] = std::move(sources);
  r.finish();
}

void read_sanitize(SectionReader r, SanitizeConfig& c) {
  std::map<std::string, std::string> actions;
  r.read("actions", actions);
  for (auto& [name, action] : actions) c.actions[name] = action;
  r.read("sensitive_keys", c.sensitive_keys);
  r.read("pseudonymize_key", c.pseudonymize_key);
  r.read("ipv4_prefix", c.ipv4_prefix);
  r.read("ipv6_prefix", c.ipv6_prefix);
  r.finish();
}

void read_enrich(SectionReader r, EnrichConfig& c) {
  r.read("geoip", c.geoip);
  r.read("asn", c.asn);
  r.read("ip_fields", c.ip_fields);
  const YAML::Node lookups = r.child("lookups");
  if (lookups && !lookups.IsNull()) {
    if (!lookups.IsSequence()) r.fail(lookups, "enrich.lookups must be a list");
    for (size_t i = 0; i < lookups.size(); ++i) {
      SectionReader item(lookups[i], fmt::format("enrich.lookups[{}]", i), r.file());
      LookupTableConfig t;
      item.read("name", t.name);
      item.read("file", t.file);
      item.read("key_column", t.key_column);
      item.read("match_field", t.match_field);
      item.read("target", t.target);
      item.finish();
      if (t.file.empty() || t.key_column.empty() || t.match_field.empty()) {
        item.fail(lookups[i],
                  fmt::format("enrich.lookups[{}] needs file, key_column and match_field", i));
      }
      if (t.target.empty())
        t.target = t.match_field.substr(0, t.match_field.rfind('.')) + ".lookup";
      c.lookups.push_back(std::move(t));
    }
  }
  r.finish();
}

void read_storage(SectionReader r, StorageConfig& c) {
  r.read("data_dir", c.data_dir);
  r.read("retention_days", c.retention_days);
  r.read("batch_max_events", c.batch_max_events);
  r.read("max_batch_delay_ms", c.max_batch_delay_ms);
  r.read("synchronous", c.synchronous);
  r.read("min_free_bytes", c.min_free_bytes);
  r.finish();
}

AlertOutputConfig read_alert_output(SectionReader r, const YAML::Node& at) {
  AlertOutputConfig o;
  r.read("type", o.type);
  r.read("name", o.name);
  r.read("queue_size", o.queue_size);
  r.read("path", o.path);
  r.read("max_bytes", o.max_bytes);
  r.read("max_files", o.max_files);
  r.read("url", o.url);
  r.read("headers", o.headers);
  r.read("bearer_token_env", o.bearer_token_env);
  r.read("timeout_ms", o.timeout_ms);
  r.read("max_retries", o.max_retries);
  r.read("retry_backoff_ms", o.retry_backoff_ms);
  r.read("address", o.address);
  r.read("protocol", o.protocol);
  r.read("facility", o.facility);
  r.read("app_name", o.app_name);
  r.finish();
  static const std::set<std::string> kTypes = {"log", "stdout", "file", "webhook", "syslog"};
  if (!kTypes.count(o.type)) {
    r.fail(at, fmt::format("{} must be one of log, stdout, file, webhook, syslog", r.full("type")));
  }
  if (o.type == "file" && o.path.empty()) r.fail(at, r.full("path") + " is required for file");
  if (o.type == "webhook" && o.url.empty()) r.fail(at, r.full("url") + " is required for webhook");
  if (o.type == "syslog" && o.address.empty())
    r.fail(at, r.full("address") + " is required for syslog");
  if (o.protocol != "udp" && o.protocol != "tcp")
    r.fail(at, r.full("protocol") + " must be udp or tcp");
  if (o.facility < 0 || o.facility > 23) r.fail(at, r.full("facility") + " must be 0..23");
  if (o.queue_size < 1) r.fail(at, r.full("queue_size") + " must be >= 1");
  if (o.name.empty()) o.name = o.type;
  return o;
}

void read_alerts(SectionReader r, AlertsConfig& c) {
  r.read("dedupe_window_s", c.dedupe_window_s);
  r.read("max_tracked_groups", c.max_tracked_groups);
  r.read("max_events_per_alert", c.max_events_per_alert);
  const YAML::Node outputs = r.child("outputs");
  if (outputs && !outputs.IsNull()) {
    if (!outputs.IsSequence()) r.fail(outputs, "alerts.outputs must be a list");
    c.outputs.clear();
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string path = fmt::format("alerts.outputs[{}]", i);
      c.outputs.push_back(read_alert_output(SectionReader(outputs[i], path, r.file()), outputs[i]));
    }
  }
  r.finish();
}

void read_decoders(const YAML::Node& list, const SectionReader& top, Config& c) {
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) top.fail(list, "decoders must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    SectionReader r(list[i], fmt::format("decoders[{}]", i), top.file());
    DeclaredDecoderConfig d;
    r.read("name", d.name);
    r.read("type", d.type);
    r.read("pattern", d.pattern);
    r.read("columns", d.columns);
    r.read("delimiter", d.delimiter);
    r.read("pair_separator", d.pair_separator);
    r.read("kv_separator", d.kv_separator);
    r.read("fields", d.fields);
    r.read("timestamp", d.timestamp);
    r.read("set", d.set);
    r.finish();
    if (d.name.empty()) r.fail(list[i], r.full("name") + " is required");
    if (d.type != "regex" && d.type != "kv" && d.type != "csv")
      r.fail(list[i], r.full("type") + " must be regex, kv or csv");
    if (d.type == "regex" && d.pattern.empty())
      r.fail(list[i], r.full("pattern") + " is required for regex");
    if (d.type == "regex" && !d.pattern.empty()) {
      // Checked here too, so `check-config` names the file and line.
      if (auto problem = declared_pattern_problem(d.pattern))
        r.fail(list[i]["pattern"], r.full("pattern") + " " + *problem);
    }
    if (d.type == "csv" && d.columns.empty())
      r.fail(list[i], r.full("columns") + " is required for csv");
    if (d.type == "csv" && d.delimiter.size() != 1)
      r.fail(list[i], r.full("delimiter") + " must be one character");
    if (d.type == "kv" && (d.pair_separator.empty() || d.kv_separator.empty()))
      r.fail(list[i], r.full("pair_separator") + " and kv_separator must not be empty");
    for (const auto& other : c.decoders) {
      if (other.name == d.name) r.fail(list[i], fmt::format("decoder '{}' declared twice", d.name));
    }
    c.decoders.push_back(std::move(d));
  }
}

void read_sources(const YAML::Node& list, const SectionReader& top, Config& c) {
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) top.fail(list, "sources must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    SectionReader r(list[i], fmt::format("sources[{}]", i), top.file());
    SourceConfig s;
    r.read("type", s.type);
    r.read("name", s.name);
    r.read("decoder", s.decoder);
    r.read("paths", s.paths);
    r.read("poll_interval_ms", s.poll_interval_ms);
    r.read("start_at_end", s.start_at_end);
    r.read("udp", s.udp);
    r.read("tcp", s.tcp);
    r.read("tls_cert", s.tls_cert);
    r.read("tls_key", s.tls_key);
    r.read("max_message_bytes", s.max_message_bytes);
    r.read("batch_lines", s.batch_lines);
    r.read("batch_delay_ms", s.batch_delay_ms);
    r.finish();
    if (s.type != "file" && s.type != "syslog")
      r.fail(list[i], r.full("type") + " must be file or syslog");
    if (s.type == "file" && s.paths.empty())
      r.fail(list[i], r.full("paths") + " is required for a file source");
    if (s.type == "syslog" && s.udp.empty() && s.tcp.empty())
      r.fail(list[i], "a syslog source needs udp or tcp (host:port)");
    if (s.tls_cert.empty() != s.tls_key.empty())
      r.fail(list[i], r.full("tls_cert") + " and tls_key go together");
    if (s.poll_interval_ms < 1) r.fail(list[i], r.full("poll_interval_ms") + " must be >= 1");
    if (s.batch_lines < 1) r.fail(list[i], r.full("batch_lines") + " must be >= 1");
    if (s.max_message_bytes < 64) r.fail(list[i], r.full("max_message_bytes") + " must be >= 64");
    if (s.name.empty()) s.name = fmt::format("{}{}", s.type, i);
    if (s.decoder.empty()) s.decoder = s.type == "syslog" ? "syslog" : "json";
    c.sources.push_back(std::move(s));
  }
}

// detect.correlation_overrides: {rule: {timespan: 10m, gte: 10, ...}}.
void read_correlation_overrides(const YAML::Node& n, const std::string& file, DetectConfig& c) {
  if (!n || n.IsNull()) return;
  SectionReader top(n, "detect.correlation_overrides", file);
  if (!n.IsMap()) top.fail(n, "detect.correlation_overrides must be a mapping");
  static const std::set<std::string> kOps = {"gt", "gte", "lt", "lte", "eq", "neq", "percentile"};
  for (const auto& rule : n) {
    const std::string name = rule.first.as<std::string>();
    if (!rule.second.IsMap())
      top.fail(rule.second, fmt::format("override of '{}' must be a mapping", name));
    CorrelationOverride o;
    for (const auto& kv : rule.second) {
      const std::string key = kv.first.as<std::string>();
      const std::string path = fmt::format("detect.correlation_overrides.{}.{}", name, key);
      try {
        if (key == "timespan") {
          o.timespan = kv.second.as<std::string>();
        } else if (kOps.count(key)) {
          o.condition.emplace_back(key, kv.second.as<double>());
        } else {
          top.fail(kv.first,
                   fmt::format("unknown key '{}' (timespan, gt, gte, lt, lte, eq, neq, percentile)",
                               path));
        }
      } catch (const YAML::Exception&) {
        top.fail(kv.second, fmt::format("{} has the wrong type", path));
      }
    }
    c.correlation_overrides[name] = std::move(o);
  }
}

IntelFeedConfig read_intel_feed(SectionReader r, const YAML::Node& at) {
  IntelFeedConfig f;
  r.read("name", f.name);
  r.read("type", f.type);
  r.read("location", f.location);
  r.read_duration("schedule", f.schedule_s);
  r.read("severity", f.severity);
  r.read("confidence", f.confidence);
  r.read("tags", f.tags);
  r.read_duration("lifetime", f.lifetime_s);
  r.read("preset", f.preset);
  r.read("indicator_type", f.indicator_type);
  r.read("include_subdomains", f.include_subdomains);
  r.read("timeout_s", f.timeout_s);
  r.read("headers", f.headers);
  r.read("auth_header", f.auth_header);
  r.read("auth_env", f.auth_env);
  r.read("bearer_token_env", f.bearer_token_env);
  r.read("username", f.username);
  r.read("password_env", f.password_env);
  r.read("api_root", f.api_root);
  r.read("collection", f.collection);
  r.read("page_size", f.page_size);
  r.read("method", f.method);
  r.read("body", f.body);
  r.read("items", f.items);
  r.read("fields", f.fields);
  r.read("type_map", f.type_map);
  r.read("next_link", f.next_link);
  r.read("page_param", f.page_param);
  r.read("first_page", f.first_page);
  r.read("max_pages", f.max_pages);
  r.finish();
  static const std::set<std::string> kTypes = {"stix", "taxii", "misp", "csv", "text", "api"};
  if (f.name.empty()) r.fail(at, r.full("name") + " is required");
  if (!kTypes.count(f.type))
    r.fail(at, r.full("type") + " must be one of stix, taxii, misp, csv, text, api");
  if (f.location.empty()) r.fail(at, r.full("location") + " is required (a path or a URL)");
  if (f.type == "csv" && f.preset.empty())
    r.fail(at, r.full("preset") +
                   " is required for csv (feodo, urlhaus, threatfox, malwarebazaar, phishtank)");
  if (f.type == "taxii" && f.collection.empty())
    r.fail(at, r.full("collection") + " is required for taxii");
  if (f.type == "api" && !f.fields.count("value"))
    r.fail(at, r.full("fields") + " needs at least value for api");
  if (f.method != "GET" && f.method != "POST")
    r.fail(at, r.full("method") + " must be GET or POST");
  if (f.confidence < 0 || f.confidence > 100) r.fail(at, r.full("confidence") + " must be 0..100");
  if (f.timeout_s < 1) r.fail(at, r.full("timeout_s") + " must be >= 1");
  if (f.page_size < 1) r.fail(at, r.full("page_size") + " must be >= 1");
  if (f.max_pages < 1) r.fail(at, r.full("max_pages") + " must be >= 1");
  return f;
}

void read_intel(SectionReader r, IntelConfig& c) {
  r.read("enabled", c.enabled);
  r.read("ip_fields", c.ip_fields);
  r.read("domain_fields", c.domain_fields);
  r.read("url_fields", c.url_fields);
  r.read("hash_fields", c.hash_fields);
  r.read("email_fields", c.email_fields);
  std::map<std::string, std::string> lifetimes;
  r.read("lifetimes", lifetimes);
  for (const auto& [type, text] : lifetimes) {
    const auto seconds = parse_duration_seconds(text);
    if (!seconds)
      r.fail(r.child("lifetimes"),
             fmt::format("intel.lifetimes.{}: '{}' is not a duration", type, text));
    c.lifetimes_s[type] = *seconds;
  }
  r.read("allowlist", c.allowlist);
  r.read("default_allowlist", c.default_allowlist);
  r.read_duration("purge_interval", c.purge_interval_s);
  r.read_duration("manual_lifetime", c.manual_lifetime_s);
  {
    SectionReader i(r.child("internal"), "intel.internal", r.file());
    i.read("enabled", c.internal.enabled);
    i.read_duration("lifetime", c.internal.lifetime_s);
    i.read("min_severity", c.internal.min_severity);
    i.read("rules", c.internal.rules);
    i.read("confidence", c.internal.confidence);
    i.finish();
  }
  const YAML::Node feeds = r.child("feeds");
  if (feeds && !feeds.IsNull()) {
    if (!feeds.IsSequence()) r.fail(feeds, "intel.feeds must be a list");
    std::set<std::string> names;
    for (size_t i = 0; i < feeds.size(); ++i) {
      const std::string path = fmt::format("intel.feeds[{}]", i);
      auto feed = read_intel_feed(SectionReader(feeds[i], path, r.file()), feeds[i]);
      if (!names.insert(feed.name).second)
        r.fail(feeds[i], fmt::format("{}: feed name '{}' is used twice", path, feed.name));
      if (feed.name == "manual" || feed.name == "vigil")
        r.fail(feeds[i],
               fmt::format("{}: '{}' is reserved for vigil's own indicators", path, feed.name));
      c.feeds.push_back(std::move(feed));
    }
  }
  r.finish();
}

void read_behavior(SectionReader r, BehaviorConfig& c) {
  r.read("enabled", c.enabled);
  r.read("entity", c.entity);
  r.read("half_life_days", c.half_life_days);
  r.read("max_entities", c.max_entities);
  r.read("max_values", c.max_values);
  r.read("min_events", c.min_events);
  r.read("min_days", c.min_days);
  r.read("time_threshold", c.time_threshold);
  r.read("novelty_threshold", c.novelty_threshold);
  r.read("max_speed_kmh", c.max_speed_kmh);
  r.read("min_travel_km", c.min_travel_km);
  r.read("volume_z_threshold", c.volume_z_threshold);
  r.read("volume_min_ratio", c.volume_min_ratio);
  r.read("volume_min_samples", c.volume_min_samples);
  r.read("user_agent_regexes", c.user_agent_regexes);
  r.read("user_agent_fields", c.user_agent_fields);
  r.read("device_fields", c.device_fields);
  r.read("flush_interval_s", c.flush_interval_s);
  r.finish();
}

void validate_behavior(const BehaviorConfig& b, const YAML::Node& at, const SectionReader& top) {
  if (b.entity != "user" && b.entity != "host" && b.entity != "source_ip")
    top.fail(at, "behavior.entity must be user, host or source_ip");
  if (!(b.half_life_days > 0)) top.fail(at, "behavior.half_life_days must be > 0");
  if (b.max_entities < 1) top.fail(at, "behavior.max_entities must be >= 1");
  if (b.max_values < 2) top.fail(at, "behavior.max_values must be >= 2");
  if (b.min_events < 0 || b.min_days < 0)
    top.fail(at, "behavior.min_events and behavior.min_days must be >= 0");
  for (double p : {b.time_threshold, b.novelty_threshold}) {
    if (!(p > 0 && p < 1))
      top.fail(at, "behavior.time_threshold and novelty_threshold must be in (0, 1)");
  }
  if (!(b.max_speed_kmh > 0)) top.fail(at, "behavior.max_speed_kmh must be > 0");
  if (b.min_travel_km < 0) top.fail(at, "behavior.min_travel_km must be >= 0");
  if (!(b.volume_z_threshold > 0) || !(b.volume_min_ratio >= 1))
    top.fail(at, "behavior.volume_z_threshold must be > 0 and volume_min_ratio >= 1");
  if (b.flush_interval_s < 1) top.fail(at, "behavior.flush_interval_s must be >= 1");
}

void read_ml(SectionReader r, MlConfig& c) {
  r.read("enabled", c.enabled);
  r.read("entity", c.entity);
  r.read("n_estimators", c.n_estimators);
  r.read("max_samples", c.max_samples);
  r.read("contamination", c.contamination);
  r.read("reservoir_size", c.reservoir_size);
  r.read("reservoir_horizon", c.reservoir_horizon);
  r.read("retrain_interval_s", c.retrain_interval_s);
  r.read("retrain_clock", c.retrain_clock);
  r.read("retrain_min_new_rows", c.retrain_min_new_rows);
  r.read("min_training_rows", c.min_training_rows);
  r.read("per_event_type", c.per_event_type);
  r.read("max_event_types", c.max_event_types);
  r.read("max_entities", c.max_entities);
  r.read("max_values", c.max_values);
  r.read("novelty_min_events", c.novelty_min_events);
  r.read("rate_half_life_s", c.rate_half_life_s);
  r.read("query_fields", c.query_fields);
  r.read("model_features", c.model_features);
  r.read("seed", c.seed);
  {
    SectionReader s(r.child("severity"), "ml.severity", r.file());
    s.read("low", c.severity.low);
    s.read("medium", c.severity.medium);
    s.read("high", c.severity.high);
    s.read("critical", c.severity.critical);
    s.finish();
  }
  r.finish();
}

void validate_ml(const MlConfig& m, const YAML::Node& at, const SectionReader& top) {
  if (m.entity != "user" && m.entity != "host" && m.entity != "source_ip")
    top.fail(at, "ml.entity must be user, host or source_ip");
  if (m.n_estimators < 1) top.fail(at, "ml.n_estimators must be >= 1");
  if (m.max_samples < 2) top.fail(at, "ml.max_samples must be >= 2");
  if (!(m.contamination > 0 && m.contamination <= 0.5))
    top.fail(at, "ml.contamination must be in (0, 0.5]");
  if (m.reservoir_size < 2) top.fail(at, "ml.reservoir_size must be >= 2");
  if (m.reservoir_horizon != 0 && m.reservoir_horizon < m.reservoir_size)
    top.fail(at, "ml.reservoir_horizon must be 0 or >= ml.reservoir_size");
  if (!(m.retrain_interval_s > 0)) top.fail(at, "ml.retrain_interval_s must be > 0");
  if (m.retrain_clock != "auto" && m.retrain_clock != "wall" && m.retrain_clock != "event")
    top.fail(at, "ml.retrain_clock must be auto, wall or event");
  if (m.retrain_min_new_rows < 1) top.fail(at, "ml.retrain_min_new_rows must be >= 1");
  if (m.min_training_rows < 2 || m.min_training_rows > m.reservoir_size)
    top.fail(at, "ml.min_training_rows must be in [2, ml.reservoir_size]");
  if (m.max_event_types < 0) top.fail(at, "ml.max_event_types must be >= 0");
  if (m.max_entities < 1) top.fail(at, "ml.max_entities must be >= 1");
  if (m.max_values < 1) top.fail(at, "ml.max_values must be >= 1");
  if (m.novelty_min_events < 0) top.fail(at, "ml.novelty_min_events must be >= 0");
  if (!(m.rate_half_life_s > 0)) top.fail(at, "ml.rate_half_life_s must be > 0");
  const auto& s = m.severity;
  if (!(s.low > 0 && s.low <= s.medium && s.medium <= s.high && s.high <= s.critical &&
        s.critical <= 1))
    top.fail(at, "ml.severity must satisfy 0 < low <= medium <= high <= critical <= 1");
}

void validate(const Config& c, const YAML::Node& root, const SectionReader& top) {
  auto at = [&](const char* section) { return root[section] ? root[section] : root; };
  if (c.storage.synchronous != "full" && c.storage.synchronous != "normal") {
    top.fail(at("storage"), "storage.synchronous must be 'full' or 'normal'");
  }
  if (c.storage.retention_days < 0) top.fail(at("storage"), "storage.retention_days must be >= 0");
  if (c.ingest.max_depth < 1) top.fail(at("ingest"), "ingest.max_depth must be >= 1");
  if (c.sanitize.ipv4_prefix < 0 || c.sanitize.ipv4_prefix > 32) {
    top.fail(at("sanitize"), "sanitize.ipv4_prefix must be 0..32");
  }
  if (c.sanitize.ipv6_prefix < 0 || c.sanitize.ipv6_prefix > 128) {
    top.fail(at("sanitize"), "sanitize.ipv6_prefix must be 0..128");
  }
  if (c.server.max_connections < 1) top.fail(at("server"), "server.max_connections must be >= 1");
  if (c.alerts.dedupe_window_s < 0) top.fail(at("alerts"), "alerts.dedupe_window_s must be >= 0");
  if (c.alerts.max_events_per_alert < 0) {
    top.fail(at("alerts"), "alerts.max_events_per_alert must be >= 0");
  }
  if (c.detect.correlation.allowed_lateness_s < 0) {
    top.fail(at("detect"), "detect.correlation.allowed_lateness_s must be >= 0");
  }
  if (c.detect.correlation.max_groups < 1 || c.detect.correlation.max_events_per_group < 1) {
    top.fail(at("detect"), "detect.correlation limits must be >= 1");
  }
  // A window entry's arrival number is 32 bits (state::WindowEntry::seq).
  if (c.detect.correlation.max_events_per_group > 1'000'000'000) {
    top.fail(at("detect"), "detect.correlation.max_events_per_group must be <= 1000000000");
  }
  validate_behavior(c.behavior, at("behavior"), top);
  validate_ml(c.ml, at("ml"), top);
}

Config parse(const YAML::Node& root, const std::string& file) {
  Config c = default_config();
  c.source_file = file;
  SectionReader top(root, "", file);
  read_server(SectionReader(top.child("server"), "server", file), c.server);
  read_ingest(SectionReader(top.child("ingest"), "ingest", file), c.ingest);
  read_normalize(SectionReader(top.child("normalize"), "normalize", file), c.normalize);
  read_sanitize(SectionReader(top.child("sanitize"), "sanitize", file), c.sanitize);
  read_enrich(SectionReader(top.child("enrich"), "enrich", file), c.enrich);
  read_storage(SectionReader(top.child("storage"), "storage", file), c.storage);
  {
    SectionReader m(top.child("metrics"), "metrics", file);
    m.read("max_event_type_labels", c.metrics.max_event_type_labels);
    m.finish();
  }
  {
    SectionReader l(top.child("logging"), "logging", file);
    l.read("level", c.logging.level);
    l.finish();
  }
  {
    SectionReader p(top.child("pipeline"), "pipeline", file);
    p.read("workers", c.pipeline.workers);
    p.read("worker_nice", c.pipeline.worker_nice);
    if (c.pipeline.worker_nice < 0 || c.pipeline.worker_nice > 19)
      p.fail(p.child("worker_nice"), "pipeline.worker_nice must be 0..19");
    p.finish();
  }
  read_alerts(SectionReader(top.child("alerts"), "alerts", file), c.alerts);
  {
    SectionReader d(top.child("detect"), "detect", file);
    d.read("builtin_rules", c.detect.builtin_rules);
    d.read("rules", c.detect.rules);
    d.read("logsource_tables", c.detect.logsource_tables);
    // Configured placeholders replace the defaults name by name.
    std::map<std::string, std::vector<std::string>> placeholders;
    d.read("placeholders", placeholders);
    for (auto& [name, values] : placeholders) c.detect.placeholders[name] = std::move(values);
    {
      SectionReader corr(d.child("correlation"), "detect.correlation", file);
      corr.read("max_groups", c.detect.correlation.max_groups);
      corr.read("max_events_per_group", c.detect.correlation.max_events_per_group);
      corr.read("allowed_lateness_s", c.detect.correlation.allowed_lateness_s);
      corr.read("max_evidence_mb", c.detect.correlation.max_evidence_mb);
      corr.finish();
    }
    read_correlation_overrides(d.child("correlation_overrides"), file, c.detect);
    d.finish();
  }
  read_decoders(top.child("decoders"), top, c);
  read_sources(top.child("sources"), top, c);
  read_intel(SectionReader(top.child("intel"), "intel", file), c.intel);
  read_behavior(SectionReader(top.child("behavior"), "behavior", file), c.behavior);
  read_ml(SectionReader(top.child("ml"), "ml", file), c.ml);
  top.finish();
  validate(c, root, top);
  return c;
}

}  // namespace

Config default_config() {
  Config c;
  // Detections whose source address is the attacker's. Insider detections
  // (privilege_escalation, data_exfiltration, lateral_movement, ...) flag an
  // employee's own workstation: as indicators they raised threat_intel_match
  // on every later event of that address (72 % of a default replay's alerts).
  c.intel.internal.rules = {"excessive_failed_logins",  "brute_force_success",
                            "password_spraying",        "excessive_failed_logins_by_source",
                            "invalid_user_enumeration", "sql_injection_attempt",
                            "web_attack_in_url",        "web_scanner"};
  c.normalize.aliases = {
      {"event.action", {"event_type", "eventType", "action"}},
      {"user.name", {"user_id", "username", "user", "userName"}},
      {"source.ip", {"ip_address", "src_ip", "source_ip", "client_ip", "srcip"}},
      {"destination.ip", {"dest_ip", "dst_ip", "destination_ip", "dstip"}},
      {"session.id", {"session_id", "sessionId"}},
      {"resource.name", {"resource_accessed", "resource"}},
      {"data_volume.bytes", {"data_volume_bytes", "bytes"}},
      {"host.name", {"hostname", "host"}},
      {"destination.address", {"destination", "dest_host", "destination_host", "target_host"}},
      {"user.target.name", {"target_user", "targetUser"}},
  };
  // Patterns (Sigma wildcards, case-insensitive) of the resources the
  // built-in privilege_abuse rule treats as sensitive: credential and key
  // stores, HR and payroll data, cardholder and billing data, admin exports.
  c.detect.placeholders["sensitive_resources"] = {"/etc/shadow",
                                                  "/etc/gshadow",
                                                  "*secret*",
                                                  "*credential*",
                                                  "*api-key*",
                                                  "*api_key*",
                                                  "*apikey*",
                                                  "*private-key*",
                                                  "*private_key*",
                                                  "*id_rsa*",
                                                  "*.pem",
                                                  "*.kdbx",
                                                  "*/hr/*",
                                                  "hr/*",
                                                  "*hr_records*",
                                                  "*hr-records*",
                                                  "*employee_records*",
                                                  "*payroll*",
                                                  "*salary*",
                                                  "*salaries*",
                                                  "*cardholder*",
                                                  "*billing*",
                                                  "*credit_card*",
                                                  "*creditcard*",
                                                  "*/pci/*",
                                                  "*admin_export*",
                                                  "*admin-export*",
                                                  "*/admin/export*",
                                                  "*admin/exports*"};
  return c;
}

Result<Config> load_config_string(const std::string& yaml, const std::string& name) {
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull()) {
      Config c = default_config();
      c.source_file = name;
      return c;
    }
    if (!root.IsMap())
      return make_error(ErrorCode::kConfig,
                        fmt::format("{}:1: the config must be a mapping", name));
    return parse(root, name);
  } catch (const ConfigError& e) {
    return make_error(ErrorCode::kConfig, e.message);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kConfig, fmt::format("{}:{}: {}", name, e.mark.line + 1, e.msg));
  }
}

Result<Config> load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return make_error(ErrorCode::kConfig, fmt::format("{}: cannot read the config file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_string(ss.str(), path);
}

}  // namespace vigil
