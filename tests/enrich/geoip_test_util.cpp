#include "geoip_test_util.h"

#include <gtest/gtest.h>

#include "core/field_path.h"
#include "support/test_data.h"

namespace vigil::testing {

std::unique_ptr<Enricher> make_enricher(const std::filesystem::path& geoip,
                                        const std::filesystem::path& asn) {
  EnrichConfig config;
  config.geoip = geoip.string();
  config.asn = asn.string();
  auto e = Enricher::create(config);
  EXPECT_TRUE(e) << e.error().message;
  return e ? std::move(*e) : nullptr;
}

Event event_with(std::string_view path, Value v) {
  Event e;
  e.doc = Object{};
  FieldPath(path).set(e.doc, std::move(v));
  return e;
}

const Value* at(const Event& e, std::string_view path) {
  return FieldPath(path).find(e.doc);
}

std::string str_at(const Event& e, std::string_view path) {
  const Value* v = at(e, path);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::vector<ExpectedLookup> expected_for(const std::filesystem::path& geoip_dir,
                                         const std::string& db) {
  std::vector<ExpectedLookup> out;
  for (auto& e : parse_expected_lookups(read_file(geoip_dir / "expected-lookups.txt"))) {
    if (e.db == db) out.push_back(std::move(e));
  }
  return out;
}

const ExpectedLookup* first_with(const std::vector<ExpectedLookup>& all, const std::string& key) {
  for (const ExpectedLookup& x : all) {
    if (x.found && !x.get(key).empty()) return &x;
  }
  return nullptr;
}

}  // namespace vigil::testing
