// Fixed word lists the corpus is drawn from. Names include non-ASCII UTF-8
// on purpose: real directories have them and parsers must carry them intact.
#pragma once

#include <span>
#include <string_view>

namespace vigil::bench::vocab {

extern const std::span<const std::string_view> kFirstNames;
extern const std::span<const std::string_view> kLastNames;
extern const std::span<const std::string_view> kDomains;
extern const std::span<const std::string_view> kDepartments;
extern const std::span<const std::string_view> kHosts;
extern const std::span<const std::string_view> kUserAgents;
extern const std::span<const std::string_view> kAttackerAgents;
extern const std::span<const std::string_view> kResources;
extern const std::span<const std::string_view> kDatabases;
extern const std::span<const std::string_view> kTables;
extern const std::span<const std::string_view> kPermissions;
extern const std::span<const std::string_view> kAuthMethods;
extern const std::span<const std::string_view> kFailureReasons;
extern const std::span<const std::string_view> kPasswords;
// Benign queries with %T (table) and %N (number) placeholders.
extern const std::span<const std::string_view> kQueries;
// Injection attempts: the seed's patterns in mixed case and context.
extern const std::span<const std::string_view> kInjections;

}  // namespace vigil::bench::vocab
