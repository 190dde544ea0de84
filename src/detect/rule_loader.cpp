#include "detect/rule_loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "detect/correlation_parser.h"
#include "detect/rule_parser.h"

namespace vigil::sigma {
namespace {

namespace fs = std::filesystem;

struct Pending {
  std::vector<Rule> rules;
  std::vector<Filter> filters;
  std::vector<Correlation> correlations;
};

// Deep-merges `base` under `doc`: maps merge key by key, `doc` wins otherwise.
YAML::Node merged(const YAML::Node& base, const YAML::Node& doc) {
  if (!base.IsMap() || !doc.IsMap()) return YAML::Clone(doc);
  YAML::Node out = YAML::Clone(base);
  for (const auto& kv : doc) {
    const std::string key = kv.first.Scalar();
    const YAML::Node existing = out[key];
    out[key] = existing ? merged(existing, kv.second) : YAML::Clone(kv.second);
  }
  return out;
}

void load_one(const YAML::Node& doc, const std::string& file, const LoadOptions& options,
              Pending& pending, LoadResult& result) {
  ++result.documents;
  auto parsed = parse_document(doc, options);
  if (!parsed) {
    const std::string title =
        doc.IsMap() && doc["title"] && doc["title"].IsScalar() ? doc["title"].Scalar() : "";
    result.errors.push_back(LoadIssue{file, parsed.error().line, title, parsed.error().reason});
    return;
  }
  if (parsed->kind == ParsedDocument::Kind::kCorrelation) {
    parsed->correlation.meta.file = file;
    pending.correlations.push_back(std::move(parsed->correlation));
  } else if (parsed->kind == ParsedDocument::Kind::kFilter) {
    parsed->filter.meta.file = file;
    pending.filters.push_back(std::move(parsed->filter));
  } else {
    parsed->rule.meta.file = file;
    pending.rules.push_back(std::move(parsed->rule));
  }
}

// Sigma 1.x rule collections: `action: global` holds what the following
// documents share, `reset` forgets it, `repeat` reuses the previous document.
void load_documents(const std::vector<YAML::Node>& docs, const std::string& file,
                    const LoadOptions& options, Pending& pending, LoadResult& result) {
  YAML::Node global;
  YAML::Node previous;
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;  // an empty document between `---` separators
    const std::string action =
        doc.IsMap() && doc["action"] && doc["action"].IsScalar() ? doc["action"].Scalar() : "";
    YAML::Node body = doc;
    if (action == "global") {
      global.reset(YAML::Clone(doc));
      global.remove("action");
      continue;
    }
    if (action == "reset") {
      global.reset(YAML::Node());
      continue;
    }
    if (action == "repeat" && previous.IsMap()) {
      // yaml-cpp's Node::operator= writes through to the referenced node;
      // reset() rebinds, which is what these variables need.
      YAML::Node repeated = YAML::Clone(doc);
      repeated.remove("action");
      body.reset(merged(previous, repeated));
    } else if (global.IsMap()) {
      body.reset(merged(global, doc));
    }
    previous.reset(body);
    load_one(body, file, options, pending, result);
  }
}

void load_text(const std::string& text, const std::string& file, const LoadOptions& options,
               Pending& pending, LoadResult& result) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(
        LoadIssue{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax error: " + e.msg});
    return;
  }
  try {
    load_documents(docs, file, options, pending, result);
  } catch (const YAML::Exception& e) {
    // A node of an unexpected shape (a list where a scalar belongs).
    result.errors.push_back(
        LoadIssue{file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "malformed rule: " + e.msg});
  }
}

bool is_rule_file(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

std::vector<fs::path> rule_files(const fs::path& root, LoadResult& result) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return {root};
  if (!fs::is_directory(root, ec)) {
    result.errors.push_back(LoadIssue{root.string(), 0, "", "no such file or directory"});
    return files;
  }
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && is_rule_file(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());  // load order (and reports) independent of the FS
  return files;
}

bool names_rule(const Filter& f, const RuleMeta& m) {
  for (const auto& t : f.targets) {
    if ((!m.id.empty() && t == m.id) || (!m.name.empty() && t == m.name)) return true;
  }
  return false;
}

// Meta-filters apply to the rules they name; a filter naming no loaded rule
// is reported, so a typo in an id does not silently disable it.
void link_filters(Pending& pending, LoadResult& result) {
  for (const auto& f : pending.filters) {
    bool used = false;
    for (auto& r : pending.rules) {
      if (names_rule(f, r.meta)) {
        attach_filter(r, f);
        used = true;
      }
    }
    ++result.filters;
    if (!used) {
      result.errors.push_back(
          LoadIssue{f.meta.file, f.meta.line, f.meta.title, "filter names no loaded rule"});
    }
  }
  for (auto& r : pending.rules) result.rules.push_back(std::make_shared<const Rule>(std::move(r)));
}

}  // namespace

LoadResult load_rule_sources(const std::vector<fs::path>& paths, const std::vector<RuleText>& texts,
                             const LoadOptions& options) {
  LoadResult result;
  Pending pending;
  for (const auto& root : paths) {
    for (const auto& file : rule_files(root, result)) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        result.errors.push_back(LoadIssue{file.string(), 0, "", "cannot read the file"});
        continue;
      }
      std::stringstream text;
      text << in.rdbuf();
      ++result.files;
      load_text(text.str(), file.string(), options, pending, result);
    }
  }
  for (const auto& t : texts) {
    ++result.files;
    load_text(t.yaml, t.label, options, pending, result);
  }
  link_filters(pending, result);
  link_correlations(std::move(pending.correlations), options, result);
  return result;
}

LoadResult load_rules(const std::vector<fs::path>& paths, const LoadOptions& options) {
  return load_rule_sources(paths, {}, options);
}

LoadResult load_rules_from_text(std::string_view yaml, const std::string& file_label,
                                const LoadOptions& options) {
  return load_rule_sources({}, {RuleText{file_label, std::string(yaml)}}, options);
}

}  // namespace vigil::sigma
