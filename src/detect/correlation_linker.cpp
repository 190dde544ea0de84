#include <set>

#include "detect/correlation_parser.h"

namespace vigil::sigma {
namespace {

bool is_named(const RuleMeta& m, const std::string& ref) {
  return (!m.id.empty() && m.id == ref) || (!m.name.empty() && m.name == ref);
}

std::string apply_override(Correlation& c, const CorrelationOverride& o) {
  if (!o.timespan.empty()) {
    auto span = parse_timespan_us(o.timespan);
    if (!span) return span.error().message;
    c.timespan_us = *span;
    c.timespan_text = o.timespan;
  }
  YAML::Node cond(YAML::NodeType::Map);
  for (const auto& [op, value] : o.condition) cond[op] = value;
  if (cond.size() > 0) {
    auto r = parse_correlation_condition(cond, c);
    if (!r) return r.error().reason;
  }
  return {};
}

void apply_overrides(std::vector<Correlation>& cs, const LoadOptions& options, LoadResult& result) {
  for (const auto& [target, o] : options.correlation_overrides) {
    bool used = false;
    for (auto& c : cs) {
      if (!is_named(c.meta, target)) continue;
      used = true;
      if (auto why = apply_override(c, o); !why.empty()) {
        result.errors.push_back(
            LoadIssue{c.meta.file, c.meta.line, c.meta.title, "correlation override: " + why});
      }
    }
    if (!used) {
      result.errors.push_back(
          LoadIssue{"detect.correlation_overrides", 0, target, "names no loaded correlation rule"});
    }
  }
}

}  // namespace

void link_correlations(std::vector<Correlation> cs, const LoadOptions& options,
                       LoadResult& result) {
  apply_overrides(cs, options, result);
  const auto rule_exists = [&](const std::string& ref) {
    return std::any_of(result.rules.begin(), result.rules.end(),
                       [&](const auto& r) { return is_named(r->meta, ref); });
  };
  // Correlations referring to correlations: resolve bottom-up; whatever is
  // left unresolved names an unknown rule or sits on a cycle.
  std::vector<bool> kept(cs.size(), false);
  std::vector<std::string> why(cs.size());
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < cs.size(); ++i) {
      if (kept[i]) continue;
      bool ok = true;
      for (const auto& ref : cs[i].rules) {
        bool found = rule_exists(ref);
        bool known = found;
        for (size_t j = 0; j < cs.size() && !found; ++j) {
          if (!is_named(cs[j].meta, ref)) continue;
          known = true;
          found = kept[j];
        }
        if (!found) {
          ok = false;
          why[i] = known ? "refers to '" + ref + "' in a reference cycle (or one that failed)"
                         : "refers to '" + ref + "', which names no loaded rule";
          break;
        }
      }
      if (ok) kept[i] = progress = true;
    }
  }
  for (size_t i = 0; i < cs.size(); ++i) {
    if (kept[i]) {
      result.correlations.push_back(std::make_shared<const Correlation>(std::move(cs[i])));
    } else {
      result.errors.push_back(
          LoadIssue{cs[i].meta.file, cs[i].meta.line, cs[i].meta.title, "correlation " + why[i]});
    }
  }
}

}  // namespace vigil::sigma
