#include "behavior/device_parser.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vigil::behavior {
namespace {

constexpr size_t kMaxUserAgentBytes = 1024;  // longer strings are cut before matching

std::string substitute(const std::string& replacement, const std::string& group1) {
  std::string out = replacement;
  const auto at = out.find("$1");
  if (at != std::string::npos) out = out.substr(0, at) + group1 + out.substr(at + 2);
  return out;
}

}  // namespace

Result<std::unique_ptr<DeviceParser>> DeviceParser::load(const std::string& path) {
  std::unique_ptr<DeviceParser> parser(new DeviceParser());
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("{}: cannot read the user-agent regexes (behavior."
                                  "user_agent_regexes; Debian package uap-core)",
                                  path));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kConfig, fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  const auto read = [&](const char* section, const char* replacement_key,
                        std::vector<Pattern>& out) -> Result<void> {
    const YAML::Node list = root[section];
    if (!list || !list.IsSequence())
      return make_error(ErrorCode::kConfig, fmt::format("{}: no '{}' list", path, section));
    for (const auto& item : list) {
      const YAML::Node regex = item["regex"];
      if (!regex || !regex.IsScalar())
        return make_error(ErrorCode::kConfig, fmt::format("{}:{}: an entry without 'regex'", path,
                                                          item.Mark().line + 1));
      RE2::Options options;
      options.set_log_errors(false);
      if (item["regex_flag"] && item["regex_flag"].as<std::string>() == "i")
        options.set_case_sensitive(false);
      auto re = std::make_unique<RE2>(regex.as<std::string>(), options);
      if (!re->ok()) {
        ++parser->skipped_;
        continue;
      }
      Pattern p{std::move(re), {}};
      if (item[replacement_key]) p.replacement = item[replacement_key].as<std::string>();
      out.push_back(std::move(p));
    }
    return {};
  };
  try {
    if (auto r = read("user_agent_parsers", "family_replacement", parser->browsers_); !r)
      return tl::unexpected(r.error());
    if (auto r = read("os_parsers", "os_replacement", parser->systems_); !r)
      return tl::unexpected(r.error());
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kConfig, fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  return parser;
}

std::string DeviceParser::family(const std::vector<Pattern>& patterns, std::string_view ua) {
  for (const auto& p : patterns) {
    std::string group1;
    const bool has_group = p.re->NumberOfCapturingGroups() >= 1;
    const bool hit =
        has_group ? RE2::PartialMatch(ua, *p.re, &group1) : RE2::PartialMatch(ua, *p.re);
    if (!hit) continue;
    std::string name = p.replacement.empty() ? group1 : substitute(p.replacement, group1);
    return name.empty() ? "Other" : name;
  }
  return "Other";
}

// Matching runs under the lock: a miss is rare (the cache holds every
// distinct agent of a typical estate) and its cost is the regexes either way.
const DeviceParser::Cached& DeviceParser::lookup(std::string_view user_agent) const {
  const std::string_view key = user_agent.substr(0, kMaxUserAgentBytes);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  DeviceFamilies d{family(browsers_, key), family(systems_, key)};
  if (cache_.size() >= kCacheSize) cache_.clear();  // many distinct agents: start over
  std::string label = d.label();
  return cache_.emplace(std::string(key), Cached{std::move(d), std::move(label)}).first->second;
}

DeviceFamilies DeviceParser::parse(std::string_view user_agent) const {
  std::lock_guard lock(mu_);
  return lookup(user_agent).families;
}

std::string DeviceParser::label(std::string_view user_agent) const {
  std::lock_guard lock(mu_);
  return lookup(user_agent).label;
}

}  // namespace vigil::behavior
