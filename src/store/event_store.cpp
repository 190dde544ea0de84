#include "store/event_store.h"

#include <fmt/format.h>

#include <string_view>

#include "store/sqlite_event_store.h"

namespace vigil {
namespace {

using Factory = Result<std::unique_ptr<EventStore>> (*)(const StorageConfig&);

Result<std::unique_ptr<EventStore>> make_sqlite(const StorageConfig& config) {
  auto store = store::SqliteEventStore::open(config);
  if (!store) return tl::unexpected(store.error());
  return std::unique_ptr<EventStore>(std::move(*store));
}

// A new store type is one more line here.
struct Registration {
  std::string_view type;
  Factory make;
};
constexpr Registration kStores[] = {
    {"sqlite", &make_sqlite},
};

}  // namespace

Result<std::unique_ptr<EventStore>> make_event_store(const std::string& type,
                                                     const StorageConfig& config) {
  std::string known;
  for (const Registration& r : kStores) {
    if (r.type == type) return r.make(config);
    known += known.empty() ? std::string(r.type) : ", " + std::string(r.type);
  }
  return make_error(ErrorCode::kConfig,
                    fmt::format("storage type '{}' is unknown (known: {})", type, known));
}

}  // namespace vigil
