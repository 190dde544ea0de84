#include "detect/rule_parser.h"

#include <algorithm>

#include "detect/condition_parser.h"
#include "detect/correlation_parser.h"
#include "detect/matchers.h"

namespace vigil::sigma {
namespace {

using Failure = tl::unexpected<ParseFailure>;

int line_of(const YAML::Node& n) {
  return n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
}

Failure fail(const YAML::Node& n, std::string why) {
  return Failure(ParseFailure{line_of(n), std::move(why)});
}

bool all_of(std::string_view s, std::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

bool is_plain_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return all_of(s, "0123456789");
}

bool is_plain_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const auto dot = s.find('.');
  return dot != std::string_view::npos && all_of(s.substr(dot + 1), "0123456789") &&
         (dot == 0 || all_of(s.substr(0, dot), "0123456789"));
}

// YAML's type for a scalar: quoted scalars are always strings.
RuleValue rule_value(const YAML::Node& n) {
  if (n.IsNull()) return {RuleValue::Type::kNull, ""};
  const std::string text = n.Scalar();
  if (n.Tag() == "!") return {RuleValue::Type::kString, text};
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return {RuleValue::Type::kNull, ""};
  }
  if (text == "true" || text == "True" || text == "TRUE") return {RuleValue::Type::kBool, "true"};
  if (text == "false" || text == "False" || text == "FALSE") {
    return {RuleValue::Type::kBool, "false"};
  }
  if (is_plain_integer(text)) return {RuleValue::Type::kInteger, text};
  if (is_plain_float(text)) return {RuleValue::Type::kFloat, text};
  return {RuleValue::Type::kString, text};
}

std::string scalar_or_joined(const YAML::Node& n) {
  if (!n || n.IsNull()) return {};
  if (n.IsScalar()) return n.Scalar();
  std::string out;
  if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) out += (out.empty() ? "" : ", ") + item.Scalar();
    }
  }
  return out;
}

std::vector<std::string> string_list(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) return {n.Scalar()};
  if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto p = s.find(sep, start);
    out.push_back(s.substr(start, p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

class DetectionBuilder {
 public:
  DetectionBuilder(Rule& rule, const LoadOptions& options) : rule_(rule), options_(options) {}

  tl::expected<void, ParseFailure> add_identifier(const std::string& name, const YAML::Node& n) {
    SearchIdentifier id{name, {}};
    if (n.IsMap()) {
      auto c = conjunction(n);
      if (!c) return tl::unexpected(c.error());
      id.alternatives.push_back(std::move(*c));
    } else if (n.IsSequence()) {
      auto r = add_list(n, id);
      if (!r) return r;
    } else if (n.IsScalar()) {
      auto r = keyword_alternative(std::vector<YAML::Node>{n}, id);
      if (!r) return r;
    } else {
      return fail(n, "detection '" + name + "' is empty");
    }
    rule_.identifiers.push_back(std::move(id));
    return {};
  }

 private:
  int slot_of(const std::string& field) {
    const auto it = std::find(rule_.fields.begin(), rule_.fields.end(), field);
    if (it != rule_.fields.end()) return static_cast<int>(it - rule_.fields.begin());
    rule_.fields.push_back(field);
    return static_cast<int>(rule_.fields.size() - 1);
  }

  // A list of maps is OR over the maps; plain values in it are keywords.
  tl::expected<void, ParseFailure> add_list(const YAML::Node& n, SearchIdentifier& id) {
    std::vector<YAML::Node> keywords;
    for (const auto& item : n) {
      if (item.IsMap()) {
        auto c = conjunction(item);
        if (!c) return tl::unexpected(c.error());
        id.alternatives.push_back(std::move(*c));
      } else if (item.IsScalar() || item.IsNull()) {
        keywords.push_back(item);
      } else {
        return fail(item, "nested lists are not valid in a detection");
      }
    }
    if (!keywords.empty()) return keyword_alternative(keywords, id);
    return {};
  }

  tl::expected<void, ParseFailure> keyword_alternative(const std::vector<YAML::Node>& values,
                                                       SearchIdentifier& id) {
    Modifiers mods;
    mods.position = Modifiers::Position::kContains;
    FieldTest t;
    for (const auto& v : values) {
      auto m = value_matcher(mods, v);
      if (!m) return tl::unexpected(m.error());
      t.values.push_back(std::move(*m));
    }
    id.alternatives.push_back(Conjunction{{std::move(t)}});
    return {};
  }

  tl::expected<Conjunction, ParseFailure> conjunction(const YAML::Node& map) {
    Conjunction c;
    for (const auto& kv : map) {
      auto t = field_test(kv.first, kv.second);
      if (!t) return tl::unexpected(t.error());
      c.tests.push_back(std::move(*t));
    }
    return c;
  }

  tl::expected<FieldTest, ParseFailure> field_test(const YAML::Node& key, const YAML::Node& value) {
    auto parts = split(key.Scalar(), '|');
    const std::string field = parts.front();
    parts.erase(parts.begin());
    auto mods = parse_modifiers(parts);
    if (!mods) return fail(key, mods.error().message);
    FieldTest t;
    t.all = mods->all;
    if (field.empty()) {
      t.slot = -1;
      if (mods->position == Modifiers::Position::kWhole && !mods->re) {
        mods->position = Modifiers::Position::kContains;
      }
    } else {
      t.slot = slot_of(field);
    }
    if (value.IsMap()) return fail(value, "field '" + field + "': a map is not a valid value");
    std::vector<YAML::Node> values;
    if (value.IsSequence()) {
      for (const auto& v : value) values.push_back(v);
    } else {
      values.push_back(value);
    }
    for (const auto& v : values) {
      if (v.IsMap() || v.IsSequence()) return fail(v, "field '" + field + "': nested value");
      auto m = value_matcher(*mods, v);
      if (!m) return tl::unexpected(m.error());
      t.values.push_back(std::move(*m));
    }
    if (mods->re && !t.all && values.size() > 1) {
      // Each regex compiled alone above (so an invalid one is named); the
      // test keeps them as one alternation: one pass over the text.
      std::vector<std::string> patterns;
      for (const auto& v : values) patterns.push_back(rule_value(v).text);
      if (auto one = compile_regex_alternation(*mods, patterns)) t.values = {std::move(*one)};
    }
    if (!t.all) t.values = merge_anchored_literals(std::move(t.values));
    return t;
  }

  tl::expected<std::shared_ptr<const ValueMatcher>, ParseFailure> value_matcher(
      const Modifiers& mods, const YAML::Node& v) {
    MatcherOptions o;
    o.placeholders = &options_.placeholders;
    o.slot_of = [this](const std::string& f) { return slot_of(f); };
    auto m = compile_value(mods, rule_value(v), o);
    if (!m) return fail(v, m.error().message);
    return *m;
  }

  Rule& rule_;
  const LoadOptions& options_;
};

tl::expected<ConditionNode, ParseFailure> parse_conditions(const YAML::Node& cond,
                                                           const Rule& rule) {
  std::vector<std::string> names;
  for (const auto& id : rule.identifiers) names.push_back(id.name);
  const auto texts = string_list(cond);
  if (texts.empty()) return fail(cond, "detection has no condition");
  ConditionNode any{ConditionNode::Op::kOr, {}, {}};
  for (const auto& text : texts) {
    auto node = parse_condition(text, names);
    if (!node) return fail(cond, node.error().message);
    any.children.push_back(std::move(*node));
  }
  if (any.children.size() == 1) return std::move(any.children.front());
  return any;
}

// The detection section: identifiers, then the condition over them.
tl::expected<void, ParseFailure> parse_detection(const YAML::Node& detection, Rule& rule,
                                                 const LoadOptions& options,
                                                 const std::vector<std::string>& skip_keys) {
  if (!detection.IsMap()) return fail(detection, "'detection' is not a mapping");
  DetectionBuilder builder(rule, options);
  YAML::Node condition;
  for (const auto& kv : detection) {
    const std::string key = kv.first.Scalar();
    if (key == "condition") {
      condition = kv.second;
    } else if (key == "timeframe" ||
               std::find(skip_keys.begin(), skip_keys.end(), key) != skip_keys.end()) {
      continue;
    } else {
      auto r = builder.add_identifier(key, kv.second);
      if (!r) {
        auto e = r.error();
        e.reason = "detection '" + key + "': " + e.reason;
        return tl::unexpected(e);
      }
    }
  }
  if (!condition) return fail(detection, "detection has no 'condition'");
  auto node = parse_conditions(condition, rule);
  if (!node) return tl::unexpected(node.error());
  rule.condition = std::move(*node);
  return {};
}

}  // namespace

tl::expected<RuleMeta, ParseFailure> parse_rule_meta(const YAML::Node& doc) {
  RuleMeta m;
  if (!doc["title"] || !doc["title"].IsScalar()) return fail(doc, "rule has no 'title'");
  m.title = doc["title"].Scalar();
  m.id = scalar_or_joined(doc["id"]);
  m.name = scalar_or_joined(doc["name"]);
  m.status = scalar_or_joined(doc["status"]);
  m.description = scalar_or_joined(doc["description"]);
  m.author = scalar_or_joined(doc["author"]);
  m.tags = string_list(doc["tags"]);
  m.references = string_list(doc["references"]);
  m.line = line_of(doc);
  m.level_name = scalar_or_joined(doc["level"]);
  if (!m.level_name.empty()) {
    const auto level = parse_severity(m.level_name);
    if (!level) return fail(doc["level"], "unknown level '" + m.level_name + "'");
    m.level = *level;
  }
  const YAML::Node ls = doc["logsource"];
  if (ls && ls.IsMap()) {
    m.logsource.product = scalar_or_joined(ls["product"]);
    m.logsource.category = scalar_or_joined(ls["category"]);
    m.logsource.service = scalar_or_joined(ls["service"]);
  }
  return m;
}

namespace {

tl::expected<ParsedDocument, ParseFailure> parse_filter(const YAML::Node& doc,
                                                        const LoadOptions& options) {
  ParsedDocument out;
  out.kind = ParsedDocument::Kind::kFilter;
  auto meta = parse_rule_meta(doc);
  if (!meta) return tl::unexpected(meta.error());
  out.filter.meta = std::move(*meta);
  const YAML::Node f = doc["filter"];
  if (!f.IsMap()) return fail(f, "'filter' is not a mapping");
  out.filter.targets = string_list(f["rules"]);
  if (out.filter.targets.empty()) return fail(f, "filter names no 'rules'");
  auto r = parse_detection(f, out.filter.body, options, {"rules"});
  if (!r) return tl::unexpected(r.error());
  return out;
}

}  // namespace

tl::expected<ParsedDocument, ParseFailure> parse_document(const YAML::Node& doc,
                                                          const LoadOptions& options) {
  if (!doc.IsMap()) return fail(doc, "document is not a mapping");
  if (doc["action"]) {
    return fail(doc, "Sigma 1.x rule collection ('action: " + scalar_or_joined(doc["action"]) +
                         "') is not supported");
  }
  if (doc["correlation"]) {
    ParsedDocument out;
    out.kind = ParsedDocument::Kind::kCorrelation;
    auto c = parse_correlation(doc);
    if (!c) return tl::unexpected(c.error());
    out.correlation = std::move(*c);
    return out;
  }
  if (doc["filter"]) return parse_filter(doc, options);
  ParsedDocument out;
  auto meta = parse_rule_meta(doc);
  if (!meta) return tl::unexpected(meta.error());
  out.rule.meta = std::move(*meta);
  if (!doc["logsource"] || !doc["logsource"].IsMap()) return fail(doc, "rule has no 'logsource'");
  if (!doc["detection"]) return fail(doc, "rule has no 'detection'");
  auto r = parse_detection(doc["detection"], out.rule, options, {});
  if (!r) return tl::unexpected(r.error());
  return out;
}

namespace {

void offset_refs(ConditionNode& node, int offset) {
  for (int& r : node.refs) r += offset;
  for (auto& c : node.children) offset_refs(c, offset);
}

}  // namespace

void attach_filter(Rule& rule, const Filter& filter) {
  const int slot_offset = static_cast<int>(rule.fields.size());
  const int id_offset = static_cast<int>(rule.identifiers.size());
  for (const auto& f : filter.body.fields) rule.fields.push_back(f);
  for (auto id : filter.body.identifiers) {
    id.name = "filter:" + filter.meta.title + ":" + id.name;
    for (auto& alt : id.alternatives) {
      for (auto& t : alt.tests) {
        if (t.slot >= 0) t.slot += slot_offset;
      }
    }
    rule.identifiers.push_back(std::move(id));
  }
  ConditionNode exclusion = filter.body.condition;
  offset_refs(exclusion, id_offset);
  rule.exclusions.push_back(std::move(exclusion));
}

}  // namespace vigil::sigma
