// `vigil rules validate PATH...` and `vigil rules test --rules PATH --events
// FILE`: how users check rules before deploying them, and run them over
// sample events (the same command the detection case files use).
#include <fmt/format.h>

#include <cstdio>

#include "app/commands.h"
#include "app/log_decoding.h"
#include "core/json_writer.h"
#include "detect/sigma.h"
#include "normalize/normalizer.h"

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

void print_match(size_t index, const MatchedRule& m, bool json) {
  const RuleMeta& meta = m.rule->meta;
  if (!json) {
    fmt::print("{}\t{}\t{}\t{}\n", index, meta.id.empty() ? "-" : meta.id, meta.title,
               to_string(meta.level));
    return;
  }
  fmt::memory_buffer out;
  JsonObjectWriter w(out);
  w.field("event", static_cast<uint64_t>(index))
      .field("rule_id", meta.id)
      .field("rule", meta.display_name())
      .field("title", meta.title)
      .field("level", std::string(to_string(meta.level)))
      .field("author", meta.author)
      .field("matched_fields", m.fields);
  w.close();
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
}

// --events decoded with --format, normalized as the pipeline would.
Result<std::vector<Value>> decoded_events(const RulesArgs& args) {
  const Config config = default_config();
  auto decoded = decode_log_file(args.events, args.format, decoder_catalog(config));
  if (!decoded) return tl::unexpected(decoded.error());
  const Normalizer normalizer(config.normalize);
  std::vector<Value> docs;
  docs.reserve(decoded->events.size());
  for (Event& e : decoded->events) {
    normalizer.normalize(e);
    docs.push_back(std::move(e.doc));
  }
  return docs;
}

}  // namespace

int run_rules_validate(const RulesArgs& args) {
  const auto loaded = load_rules(to_paths(args.paths));
  print_load_errors(loaded, stdout);
  auto mappings = mappings_for(args);
  if (!mappings) {
    fmt::print(stderr, "vigil: {}\n", mappings.error().message);
    return kExitUsage;
  }
  const RuleSet set(loaded.rules, std::move(*mappings));
  fmt::print(
      "{} rules loaded, {} failed ({} files, {} documents, {} filters); {} loaded rules "
      "have a log source no mapping recognizes\n",
      loaded.rules.size(), loaded.errors.size(), loaded.files, loaded.documents, loaded.filters,
      set.unmapped().size());
  return loaded.errors.empty() ? kExitOk : kExitRuntime;
}

int run_rules_test(const RulesArgs& args) {
  const auto loaded = load_rules(to_paths(args.paths));
  print_load_errors(loaded, stderr);
  auto mappings = mappings_for(args);
  if (!mappings) {
    fmt::print(stderr, "vigil: {}\n", mappings.error().message);
    return kExitUsage;
  }
  auto events = args.format.empty() ? read_events(args.events) : decoded_events(args);
  if (!events) {
    fmt::print(stderr, "vigil: {}: {}\n", args.events, events.error().message);
    return kExitUsage;
  }
  const RuleSet set(loaded.rules, std::move(*mappings));
  size_t matches = 0;
  for (size_t i = 0; i < events->size(); ++i) {
    for (const auto& m : set.match((*events)[i])) {
      print_match(i + 1, m, args.json);
      ++matches;
    }
  }
  fmt::print(stderr, "{} events, {} rules, {} matches\n", events->size(), loaded.rules.size(),
             matches);
  return kExitOk;
}

}  // namespace vigil
