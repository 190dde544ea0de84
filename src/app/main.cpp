// vigil's entry point: parses the command line and hands over to a command.
#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "core/allocator_tuning.h"

int main(int argc, char** argv) {
  using namespace vigil;
  tune_allocator();
  CLI::App app{"vigil: a security-monitoring engine"};
  app.require_subcommand(1);
  Overrides o;

  auto* run = app.add_subcommand("run", "Run the daemon: HTTP ingest and search API, metrics");
  run->add_option("--config", o.config_file, "YAML config file (embedded defaults without it)");
  run->add_option("--listen", o.listen, "HOST:PORT to listen on (server.listen)");
  run->add_option("--data-dir", o.data_dir, "Directory for the day files (storage.data_dir)");
  run->add_option("--geoip", o.geoip, "MaxMind .mmdb database for GeoIP (enrich.geoip)");

  ReplayArgs replay_args;
  auto* replay =
      app.add_subcommand("replay", "Push an NDJSON file (or - for stdin) through the pipeline");
  replay->add_option("--config", o.config_file, "YAML config file");
  replay->add_option("--data-dir", o.data_dir, "Directory for the day files (storage.data_dir)");
  replay->add_option("--geoip", o.geoip, "MaxMind .mmdb database for GeoIP (enrich.geoip)");
  replay->add_flag("--no-store", replay_args.no_store,
                   "Process without storing events or alerts (back-tests, benchmarks)");
  replay->add_option("--alerts", replay_args.alerts_file,
                     "Write the replay's alerts to FILE as JSON lines");
  replay->add_option("--format", replay_args.format,
                     "Decoder for the input: json (default), syslog, sshd, access, windows, "
                     "cloudtrail, zeek, auditd, ... or a decoder declared in the config");
  replay->add_option("--year", replay_args.year,
                     "Year of syslog timestamps that have none (default: inferred)");
  replay->add_option("input", replay_args.input, "Log file (gzip or plain), or - for stdin")
      ->required();

  DecodeArgs decode_args;
  auto* decode = app.add_subcommand(
      "decode", "Decode a log file and print the canonical events, one JSON object per line");
  decode->add_option("--config", o.config_file, "YAML config file (for declared decoders)");
  decode->add_option("--decoder", decode_args.decoder, "Decoder name")->required();
  decode->add_option("--year", decode_args.year,
                     "Year of syslog timestamps that have none (default: inferred)");
  decode->add_option("input", decode_args.input, "Log file (gzip or plain), or - for stdin")
      ->required();

  std::string config_file;
  auto* check = app.add_subcommand("check-config", "Validate a config file");
  check->add_option("file", config_file, "YAML config file")->required();

  RulesArgs rules_args;
  auto* rules = app.add_subcommand("rules", "Sigma rules: validate them, run them over events");
  rules->require_subcommand(1);
  auto* validate = rules->add_subcommand(
      "validate", "Load and compile rules; one line per failing rule, then a summary");
  validate->add_option("paths", rules_args.paths, "Rule files or directories")->required();
  auto* rules_test = rules->add_subcommand(
      "test", "Run events through rules; one line per match (event number, id, title, level)");
  rules_test->add_option("--rules", rules_args.paths, "Rule files or directories")->required();
  rules_test
      ->add_option("--events", rules_args.events,
                   "NDJSON, a JSON array, or concatenated JSON objects")
      ->required();
  rules_test->add_flag("--json", rules_args.json, "JSON lines instead of tab-separated lines");
  rules_test->add_option("--format", rules_args.format,
                         "Decode --events with this decoder (syslog, sshd, access, ..., or one "
                         "declared in the config)");
  rules_test->add_option("--config", o.config_file,
                         "YAML config file (declared decoders, normalization, placeholders)");
  rules_test->add_option("--year", rules_args.year,
                         "Year of syslog timestamps that have none (default: inferred)");
  for (auto* sub : {validate, rules_test}) {
    sub->add_option("--mapping", rules_args.mappings,
                    "Field-mapping YAML (repeatable; default: the shipped Windows and ECS ones)");
    sub->add_option("--logsource-table", rules_args.logsource_tables,
                    "thor.yml-style log-source table to merge into the mappings (repeatable)");
  }

  std::string forest_file, scored_data;
  AnomalyEvaluateArgs evaluation;
  auto* anomaly = app.add_subcommand("anomaly", "Isolation Forest: parity and quality checks");
  anomaly->require_subcommand(1);
  auto* score = anomaly->add_subcommand(
      "score", "Score a CSV with a forest exported from scikit-learn; prints CSV scores");
  score->add_option("--sklearn-forest", forest_file, "Forest TSV exported node by node")
      ->required();
  score->add_option("--data", scored_data, "CSV of features (a last `label` column is ignored)")
      ->required();
  auto* evaluate = anomaly->add_subcommand(
      "evaluate", "Fit and score a labelled CSV over seeds; prints one JSON line with the AUC");
  evaluate->add_option("--data", evaluation.data, "CSV with a last `label` column")->required();
  evaluate->add_option("--seeds", evaluation.seeds, "Seeds 0..N-1 (default 10)");
  evaluate->add_option("--trees", evaluation.trees, "Trees per forest (default 100)");
  evaluate->add_option("--max-samples", evaluation.max_samples, "Rows per tree (default auto)");

  IntelImportArgs import_args;
  std::string intel_value;
  auto* intel =
      app.add_subcommand("intel", "Threat-intelligence store: import feeds, look up values");
  intel->require_subcommand(1);
  auto* import =
      intel->add_subcommand("import", "Import a feed file into the store (replaces that source)");
  import->add_option("--data-dir", o.data_dir, "Directory holding intel.db (storage.data_dir)");
  import->add_option("--config", o.config_file, "YAML config file");
  import->add_option("--format", import_args.format, "stix, misp, csv or text")
      ->required()
      ->check(CLI::IsMember({"stix", "misp", "csv", "text"}));
  import->add_option("--source", import_args.source, "Feed name (default <format>:<file name>)");
  import->add_option("--preset", import_args.preset,
                     "csv layout: feodo, urlhaus, threatfox, malwarebazaar, phishtank");
  import->add_option("--type", import_args.type, "text: the type of every line (default inferred)");
  import->add_option("--severity", import_args.severity, "Severity of entries without one");
  import->add_option("--confidence", import_args.confidence,
                     "Confidence (0-100) of entries without one");
  import->add_option("file", import_args.file, "Feed file (misp: a feed directory or event file)")
      ->required();
  auto* lookup = intel->add_subcommand("lookup", "Look a value up; exit 1 when nothing matches");
  lookup->add_option("--data-dir", o.data_dir, "Directory holding intel.db (storage.data_dir)");
  lookup->add_option("--config", o.config_file, "YAML config file");
  lookup->add_option("value", intel_value, "IP, CIDR, domain, URL, hash or e-mail")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (*rules) return *validate ? run_rules_validate(rules_args) : run_rules_test(o, rules_args);
  if (*run) return run_daemon(o);
  if (*replay) return run_replay(o, replay_args);
  if (*decode) return run_decode(o, decode_args);
  if (*anomaly) {
    return *score ? run_anomaly_score(forest_file, scored_data) : run_anomaly_evaluate(evaluation);
  }
  if (*intel) {
    return *import ? run_intel_import(o, import_args) : run_intel_lookup(o, intel_value);
  }
  return run_check_config(config_file);
}
