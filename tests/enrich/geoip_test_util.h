// Helpers shared by the GeoIP tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/event.h"
#include "enrich/enricher.h"
#include "expected_lookups.h"

namespace vigil::testing {

// An enricher with these databases (empty path: not configured); fails the
// test when create() does.
std::unique_ptr<Enricher> make_enricher(const std::filesystem::path& geoip,
                                        const std::filesystem::path& asn = {});
Event event_with(std::string_view path, Value v);
const Value* at(const Event& e, std::string_view path);
// The string at `path`, or "" when absent or not a string.
std::string str_at(const Event& e, std::string_view path);
// The expected-lookups.txt entries for one database file.
std::vector<ExpectedLookup> expected_for(const std::filesystem::path& geoip_dir,
                                         const std::string& db);
// The first found entry with a non-empty `key`.
const ExpectedLookup* first_with(const std::vector<ExpectedLookup>& all, const std::string& key);

}  // namespace vigil::testing
