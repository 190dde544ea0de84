#include "detect/correlation_parser.h"

#include <charconv>

#include "detect/condition_parser.h"

namespace vigil::sigma {
namespace {

using Failure = tl::unexpected<ParseFailure>;

Failure fail_at(const YAML::Node& n, std::string why) {
  return Failure(ParseFailure{n.Mark().line >= 0 ? n.Mark().line + 1 : 0, std::move(why)});
}

// A scalar or a list of scalars, as strings.
tl::expected<std::vector<std::string>, ParseFailure> names(const YAML::Node& n,
                                                           const std::string& what) {
  std::vector<std::string> out;
  if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
  if (!n.IsSequence()) return fail_at(n, what + " must be a name or a list of names");
  for (const auto& item : n) {
    if (!item.IsScalar()) return fail_at(item, what + " must hold names");
    out.push_back(item.Scalar());
  }
  return out;
}

const std::pair<std::string_view, CorrelationType> kTypes[] = {
    {"event_count", CorrelationType::kEventCount},
    {"value_count", CorrelationType::kValueCount},
    {"temporal", CorrelationType::kTemporal},
    {"temporal_ordered", CorrelationType::kTemporalOrdered},
    {"value_sum", CorrelationType::kValueSum},
    {"value_avg", CorrelationType::kValueAvg},
    {"value_min", CorrelationType::kValueMin},
    {"value_max", CorrelationType::kValueMax},
    {"value_median", CorrelationType::kValueMedian},
    {"value_percentile", CorrelationType::kValuePercentile},
};

const std::pair<std::string_view, Threshold::Op> kOps[] = {
    {"gt", Threshold::Op::kGt},   {"gte", Threshold::Op::kGte}, {"lt", Threshold::Op::kLt},
    {"lte", Threshold::Op::kLte}, {"eq", Threshold::Op::kEq},   {"neq", Threshold::Op::kNeq},
};

bool parse_number(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end;
}

tl::expected<void, ParseFailure> parse_aliases(const YAML::Node& n, Correlation& c) {
  if (!n.IsMap()) return fail_at(n, "'aliases' must map alias names to {rule: field}");
  for (const auto& alias : n) {
    if (!alias.second.IsMap()) {
      return fail_at(alias.second, "alias '" + alias.first.Scalar() + "' must map rules to fields");
    }
    auto& per_rule = c.aliases[alias.first.Scalar()];
    for (const auto& kv : alias.second) {
      auto fields = names(kv.second, "alias '" + alias.first.Scalar() + "'");
      if (!fields) return tl::unexpected(fields.error());
      per_rule[kv.first.Scalar()] = std::move(*fields);
    }
  }
  return {};
}

tl::expected<void, ParseFailure> parse_rule_condition(const YAML::Node& n, Correlation& c) {
  auto node = parse_condition(n.Scalar(), c.rules);
  if (!node) return fail_at(n, "correlation condition: " + node.error().message);
  c.rule_condition = std::move(*node);
  return {};
}

tl::expected<void, ParseFailure> parse_generate(const YAML::Node& v, Correlation& c) {
  if (v.IsSequence()) {
    auto r = names(v, "'generate'");
    if (!r) return tl::unexpected(r.error());
    c.generate_rules = std::move(*r);
    return {};
  }
  if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false")) {
    return fail_at(v, "'generate' must be true, false or a list of referenced rules");
  }
  c.generate = v.Scalar() == "true";
  return {};
}

// What each type needs beyond `rules` and `timespan`.
tl::expected<void, ParseFailure> check_required(const YAML::Node& corr, Correlation& c) {
  const bool temporal =
      c.type == CorrelationType::kTemporal || c.type == CorrelationType::kTemporalOrdered;
  if (!temporal && c.thresholds.empty()) {
    return fail_at(corr, std::string(to_string(c.type)) +
                             " needs a 'condition' with gt, gte, lt, lte, eq or neq");
  }
  if ((c.type == CorrelationType::kValueCount || aggregates_values(c.type)) && c.fields.empty()) {
    return fail_at(corr, std::string(to_string(c.type)) + " needs 'field' in its condition");
  }
  if (c.type == CorrelationType::kTemporalOrdered && c.rules.size() < 2) {
    return fail_at(corr, "temporal_ordered needs at least two rules");
  }
  for (const auto& g : c.generate_rules) {
    if (std::find(c.rules.begin(), c.rules.end(), g) == c.rules.end()) {
      return fail_at(corr, "'generate' names '" + g + "', which the correlation does not refer to");
    }
  }
  for (const auto& [alias, per_rule] : c.aliases) {
    for (const auto& [rule, fields] : per_rule) {
      if (std::find(c.rules.begin(), c.rules.end(), rule) == c.rules.end()) {
        return fail_at(corr, "alias '" + alias + "' names rule '" + rule +
                                 "', which the correlation does not refer to");
      }
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(CorrelationType t) {
  for (const auto& [name, type] : kTypes) {
    if (type == t) return name;
  }
  return "?";
}

bool aggregates_values(CorrelationType t) {
  return t == CorrelationType::kValueSum || t == CorrelationType::kValueAvg ||
         t == CorrelationType::kValueMin || t == CorrelationType::kValueMax ||
         t == CorrelationType::kValueMedian || t == CorrelationType::kValuePercentile;
}

bool Threshold::holds(double x) const {
  switch (op) {
    case Op::kGt:
      return x > value;
    case Op::kGte:
      return x >= value;
    case Op::kLt:
      return x < value;
    case Op::kLte:
      return x <= value;
    case Op::kEq:
      return x == value;
    case Op::kNeq:
      return x != value;
  }
  return false;
}

bool Correlation::generates(const std::string& ref) const {
  return generate ||
         std::find(generate_rules.begin(), generate_rules.end(), ref) != generate_rules.end();
}

Result<int64_t> parse_timespan_us(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidInput,
                      "timespan '" + std::string(text) + "' " + std::string(why) +
                          " (an integer and a unit: 30s, 5m, 1h, 2d, 1w)");
  };
  if (text.size() < 2) return bad("is not a duration");
  const char unit = text.back();
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return bad(std::isdigit(static_cast<unsigned char>(unit)) ? "has no unit"
                                                              : "needs a whole number");
  }
  int64_t n = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (r.ec != std::errc() || n <= 0) return bad("must be a positive whole number");
  int64_t unit_s = 0;
  switch (unit) {
    case 's':
      unit_s = 1;
      break;
    case 'm':
      unit_s = 60;
      break;
    case 'h':
      unit_s = 3600;
      break;
    case 'd':
      unit_s = 86400;
      break;
    case 'w':
      unit_s = 7 * 86400;
      break;
    default:
      return bad(std::isdigit(static_cast<unsigned char>(unit)) ? "has no unit"
                                                                : "has an unknown unit");
  }
  if (n > INT64_MAX / 1'000'000 / unit_s) return bad("is too long");
  return n * unit_s * 1'000'000;
}

tl::expected<void, ParseFailure> parse_correlation_condition(const YAML::Node& cond,
                                                             Correlation& c) {
  if (cond.IsScalar()) {
    if (c.type != CorrelationType::kTemporal && c.type != CorrelationType::kTemporalOrdered) {
      return fail_at(cond, "a text condition is only valid for temporal correlations");
    }
    return parse_rule_condition(cond, c);
  }
  if (!cond.IsMap()) return fail_at(cond, "'condition' must be a mapping such as {gte: 5}");
  std::vector<Threshold> thresholds;
  for (const auto& kv : cond) {
    const std::string key = kv.first.Scalar();
    if (key == "field") {
      auto f = names(kv.second, "'field'");
      if (!f) return tl::unexpected(f.error());
      c.fields = std::move(*f);
      continue;
    }
    double number = 0;
    if (!kv.second.IsScalar() || !parse_number(kv.second.Scalar(), number)) {
      return fail_at(kv.second, "condition '" + key + "' needs a number");
    }
    if (key == "percentile") {
      if (number < 0 || number > 100) return fail_at(kv.second, "percentile must be 0..100");
      c.percentile = number;
      continue;
    }
    const auto op = std::find_if(std::begin(kOps), std::end(kOps),
                                 [&](const auto& o) { return o.first == key; });
    if (op == std::end(kOps)) {
      return fail_at(kv.first, "unknown condition operator '" + key +
                                   "' (gt, gte, lt, lte, eq, neq, field, percentile)");
    }
    thresholds.push_back(Threshold{op->second, number});
  }
  if (!thresholds.empty()) c.thresholds = std::move(thresholds);
  return {};
}

tl::expected<Correlation, ParseFailure> parse_correlation(const YAML::Node& doc) {
  Correlation c;
  auto meta = parse_rule_meta(doc);
  if (!meta) return tl::unexpected(meta.error());
  c.meta = std::move(*meta);
  const YAML::Node corr = doc["correlation"];
  if (!corr.IsMap()) return fail_at(corr, "'correlation' must be a mapping");
  for (const auto& kv : corr) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "type") {
      const auto t = std::find_if(std::begin(kTypes), std::end(kTypes),
                                  [&](const auto& p) { return p.first == v.Scalar(); });
      if (!v.IsScalar() || t == std::end(kTypes))
        return fail_at(v, "unknown correlation type '" + (v.IsScalar() ? v.Scalar() : "") + "'");
      c.type = t->second;
    } else if (key == "rules") {
      auto r = names(v, "'rules'");
      if (!r) return tl::unexpected(r.error());
      c.rules = std::move(*r);
    } else if (key == "group-by") {
      auto g = names(v, "'group-by'");
      if (!g) return tl::unexpected(g.error());
      c.group_by = std::move(*g);
    } else if (key == "timespan" || key == "timeframe") {
      auto span = parse_timespan_us(v.IsScalar() ? v.Scalar() : "");
      if (!span) return fail_at(v, span.error().message);
      c.timespan_us = *span;
      c.timespan_text = v.Scalar();
    } else if (key == "aliases") {
      auto a = parse_aliases(v, c);
      if (!a) return tl::unexpected(a.error());
    } else if (key == "generate") {
      auto g = parse_generate(v, c);
      if (!g) return tl::unexpected(g.error());
    } else if (key != "condition") {
      return fail_at(kv.first, "unknown correlation attribute '" + key + "'");
    }
  }
  if (!corr["type"]) return fail_at(corr, "correlation has no 'type'");
  if (c.rules.empty()) return fail_at(corr, "correlation names no 'rules'");
  if (c.timespan_us == 0) return fail_at(corr, "correlation has no 'timespan'");
  if (corr["condition"]) {
    auto r = parse_correlation_condition(corr["condition"], c);
    if (!r) return tl::unexpected(r.error());
  }
  if (doc["generate"]) {
    auto g = parse_generate(doc["generate"], c);
    if (!g) return tl::unexpected(g.error());
  }
  return check_required(corr, c).map([&] { return std::move(c); });
}

}  // namespace vigil::sigma
