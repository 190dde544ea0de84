#include "expected_lookups.h"

#include <cctype>
#include <sstream>

namespace vigil::testing {
namespace {

// "key=" with a lowercase key starts a field; other words continue the value
// ("org=AT&T Services").
bool starts_field(const std::string& word) {
  const size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    if (!(std::islower(static_cast<unsigned char>(word[i])) || word[i] == '_')) return false;
  }
  return true;
}

void parse_fields(const std::string& rest, ExpectedLookup& out) {
  std::string text = rest;
  if (const size_t via = text.rfind(" (via "); via != std::string::npos) text.resize(via);
  std::istringstream words(text);
  std::string word;
  std::string key;
  while (words >> word) {
    if (starts_field(word)) {
      key = word.substr(0, word.find('='));
      out.fields[key] = word.substr(word.find('=') + 1);
    } else if (!key.empty()) {
      out.fields[key] += " " + word;
    }
  }
}

}  // namespace

std::string ExpectedLookup::get(const std::string& key) const {
  auto it = fields.find(key);
  if (it == fields.end() || it->second == "-" || it->second == "None") return {};
  return it->second;
}

std::vector<ExpectedLookup> parse_expected_lookups(const std::string& text) {
  std::vector<ExpectedLookup> out;
  std::istringstream lines(text);
  std::string line;
  std::string section_db;    // per-database section: "<ip> <answer>"
  bool log_section = false;  // "<source> <ip> <db> <answer>"
  for (size_t n = 1; std::getline(lines, line); ++n) {
    if (line.starts_with("## ")) {
      const size_t arrow = line.find(" -> ");
      log_section = arrow == std::string::npos;
      section_db.clear();
      if (!log_section) {
        const size_t start = arrow + 4;
        section_db = line.substr(start, line.find(' ', start) - start);
      }
      continue;
    }
    if (line.empty() || line[0] == '#' || (section_db.empty() && !log_section)) continue;
    std::istringstream words(line);
    ExpectedLookup e;
    e.line = n;
    std::string source;
    if (log_section) {
      if (!(words >> source >> e.ip >> e.db) || !e.db.ends_with(".mmdb")) continue;
    } else {
      e.db = section_db;
      if (!(words >> e.ip)) continue;
    }
    if (e.ip.find_first_not_of("0123456789.:abcdef") != std::string::npos) continue;  // summaries
    std::string rest;
    std::getline(words, rest);
    e.found = rest.find("NOT_FOUND") == std::string::npos;
    if (e.found) parse_fields(rest, e);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vigil::testing
