// `vigil rules validate PATH...` and `vigil rules test --rules PATH --events
// FILE`: how users check rules before deploying them, and run them over
// sample events (the same command the detection case files use).
#include <fmt/format.h>

#include <cstdio>

#include "app/commands.h"
#include "app/config_loading.h"
#include "app/log_decoding.h"
#include "config/config.h"
#include "core/json_writer.h"
#include "detect/sigma.h"
#include "normalize/normalizer.h"
#include "state/memory_state_store.h"

namespace vigil {
namespace {

using namespace vigil::sigma;

void print_load_errors(const LoadResult& r, std::FILE* out) {
  for (const auto& e : r.errors) {
    fmt::print(out, "{}:{}: {}{}\n", e.file, e.line,
               e.rule.empty() ? "" : "'" + e.rule + "': ", e.reason);
  }
}

std::vector<std::filesystem::path> to_paths(const std::vector<std::string>& items) {
  return {items.begin(), items.end()};
}

Result<std::vector<FieldMapping>> mappings_for(const RulesArgs& args) {
  if (args.mappings.empty()) return default_mappings(to_paths(args.logsource_tables));
  std::vector<FieldMapping> out;
  for (const auto& file : args.mappings) {
    auto m = FieldMapping::load(file, to_paths(args.logsource_tables));
    if (!m) return tl::unexpected(m.error());
    out.push_back(std::move(*m));
  }
  return out;
}

// Rules load with the config's placeholders (by default the pack's
// sensitive_resources).
LoadOptions load_options(const Config& config) {
  LoadOptions o;
  o.placeholders = config.detect.placeholders;
  return o;
}

// The event time correlations window on: `@timestamp` or `timestamp`
// (RFC 3339 or epoch), else the Windows `Event.System.TimeCreated_SystemTime`;
// events without one share time 0.
Timestamp event_time(const Value& doc) {
  for (const char* path : {"@timestamp", "timestamp", "Event.System.TimeCreated_SystemTime",
                           "Event.System.TimeCreated.SystemTime"}) {
    const Value* v = correlation_field(doc, path);
    if (v == nullptr) continue;
    if (v->is_string()) {
      if (auto t = parse_iso8601(v->as_string())) return *t;
    } else if (v->is_number()) {
      if (auto t = from_epoch_number(v->number())) return *t;
    }
  }
  return Timestamp{};
}

// One line per hit of `rules test`: a rule match or a correlation alert.
struct Hit {
  size_t event = 0;
  const RuleMeta* meta = nullptr;
  const char* details_key = "matched_fields";
  const Value* details = nullptr;
};

void print_hit(const Hit& h, bool json) {
  const RuleMeta& meta = *h.meta;
  if (!json) {
    fmt::print("{}\t{}\t{}\t{}\n", h.event, meta.id.empty() ? "-" : meta.id, meta.title,
               to_string(meta.level));
    return;
  }
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("event", static_cast<uint64_t>(h.event))
      .field("rule_id", meta.id)
      .field("rule", meta.display_name())
      .field("title", meta.title)
      .field("level", std::string(to_string(meta.level)))
      .field("author", meta.author)
      .field(h.details_key, *h.details);
  w.close();
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
}

// --events as events: decoded with --format (the decoder sets each event's
// time), or vigil's JSON with the time read from the document. A log cut
// short (truncated gzip) keeps the events read before the cut.
struct TestEvents {
  std::vector<Event> events;
  std::optional<Error> read_error;
};

Result<TestEvents> test_events(const RulesArgs& args, const Config& config) {
  TestEvents out;
  if (!args.format.empty()) {
    auto decoded = decode_log_file(args.events, args.format, decoder_catalog(config));
    if (!decoded) return tl::unexpected(decoded.error());
    out.events = std::move(decoded->decoded.events);
    out.read_error = std::move(decoded->read_error);
    return out;
  }
  auto docs = read_events(args.events);
  if (!docs) return tl::unexpected(docs.error());
  out.events.reserve(docs->size());
  for (Value& doc : *docs) {
    Event& event = out.events.emplace_back();
    event.time = event_time(doc);
    event.doc = std::move(doc);
  }
  return out;
}

// Correlation alerts of `rules test`, printed like rule matches.
class PrintingSink final : public AlertSink {
 public:
  PrintingSink(const CorrelationSet& set, bool json, size_t& count)
      : set_(set), json_(json), count_(count) {}
  void set_event(size_t index) { index_ = index; }
  void emit(Alert a) override {
    ++count_;
    for (const auto& c : set_.correlations()) {
      if (c->meta.display_name() != a.rule || c->meta.id != a.rule_id) continue;
      print_hit(Hit{index_, &c->meta, "correlation", &a.context}, json_);
      return;
    }
  }

 private:
  const CorrelationSet& set_;
  bool json_;
  size_t& count_;
  size_t index_ = 0;
};

}  // namespace

int run_rules_validate(const RulesArgs& args) {
  const auto loaded = load_rules(to_paths(args.paths), load_options(default_config()));
  print_load_errors(loaded, stdout);
  auto mappings = mappings_for(args);
  if (!mappings) {
    fmt::print(stderr, "vigil: {}\n", mappings.error().message);
    return kExitUsage;
  }
  const RuleSet set(loaded.rules, std::move(*mappings));
  fmt::print(
      "{} rules loaded, {} failed ({} files, {} documents, {} filters, {} correlations); {} "
      "loaded rules have a log source no mapping recognizes\n",
      loaded.rules.size() + loaded.correlations.size(), loaded.errors.size(), loaded.files,
      loaded.documents, loaded.filters, loaded.correlations.size(), set.unmapped().size());
  return loaded.errors.empty() ? kExitOk : kExitRuntime;
}

int run_rules_test(const Overrides& overrides, const RulesArgs& args) {
  const auto config = load_decoding_config(overrides, args.year);
  if (!config) return kExitUsage;
  const auto loaded = load_rules(to_paths(args.paths), load_options(*config));
  print_load_errors(loaded, stderr);
  auto mappings = mappings_for(args);
  if (!mappings) {
    fmt::print(stderr, "vigil: {}\n", mappings.error().message);
    return kExitUsage;
  }
  auto loaded_events = test_events(args, *config);
  if (!loaded_events) {
    fmt::print(stderr, "vigil: {}\n", loaded_events.error().message);  // it names the file
    return kExitUsage;
  }
  std::vector<Event>& events = loaded_events->events;
  const RuleSet set(loaded.rules, std::move(*mappings));
  const CorrelationSet correlations(loaded.rules, loaded.correlations);
  CorrelationEngine engine(std::make_shared<state::MemoryStateStore>(), CorrelationOptions{});
  size_t matches = 0;
  PrintingSink sink(correlations, args.json, matches);
  // Events get the canonical fields `vigil run` gives them (the pack's rules
  // are written for those), nothing else.
  const Normalizer normalizer(config->normalize);
  for (size_t i = 0; i < events.size(); ++i) {
    Event& event = events[i];
    normalizer.normalize(event);
    const auto found = set.match(event.doc);
    for (const auto& m : found) {
      print_hit(Hit{i + 1, &m.rule->meta, "matched_fields", &m.fields}, args.json);
      ++matches;
    }
    if (correlations.empty() || found.empty()) continue;
    sink.set_event(i + 1);
    engine.process(correlations, event, found, sink);
  }
  fmt::print(stderr, "{} events, {} rules, {} correlations, {} matches\n", events.size(),
             loaded.rules.size(), loaded.correlations.size(), matches);
  if (!loaded_events->read_error) return kExitOk;
  fmt::print(stderr, "vigil: {}\n", loaded_events->read_error->message);
  return kExitRuntime;
}

}  // namespace vigil
