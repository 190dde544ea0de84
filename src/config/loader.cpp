// YAML -> Config. Each section has a reader that consumes known keys; any key
// left over is an error naming file, line and the full key path.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"

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
  validate_behavior(c.behavior, at("behavior"), top);
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
    p.finish();
  }
  read_alerts(SectionReader(top.child("alerts"), "alerts", file), c.alerts);
  {
    SectionReader d(top.child("detect"), "detect", file);
    d.read("builtin_rules", c.detect.builtin_rules);
    d.read("rules", c.detect.rules);
    d.read("logsource_tables", c.detect.logsource_tables);
    d.read("placeholders", c.detect.placeholders);
    d.finish();
  }
  read_behavior(SectionReader(top.child("behavior"), "behavior", file), c.behavior);
  top.finish();
  validate(c, root, top);
  return c;
}

}  // namespace

Config default_config() {
  Config c;
  c.normalize.aliases = {
      {"event.action", {"event_type", "eventType", "action"}},
      {"user.name", {"user_id", "username", "user", "userName"}},
      {"source.ip", {"ip_address", "src_ip", "source_ip", "client_ip", "srcip"}},
      {"destination.ip", {"dest_ip", "dst_ip", "destination_ip", "dstip"}},
      {"session.id", {"session_id", "sessionId"}},
      {"resource.name", {"resource_accessed", "resource"}},
      {"data_volume.bytes", {"data_volume_bytes", "bytes"}},
      {"host.name", {"hostname", "host"}},
  };
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
