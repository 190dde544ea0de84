#include "pipeline/entity_router.h"

#include <xxhash.h>

#include <string>

#include "core/json_writer.h"

namespace vigil {
namespace {

// The bytes to hash: a string as it is, a number (a numeric user id) as its
// JSON text; anything else names no entity.
std::string_view key_of(const Value* v, std::string& scratch) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->as_string();
  if (v->is_number()) {
    scratch = to_json(*v);
    return scratch;
  }
  return {};
}

}  // namespace

EntityRouter::EntityRouter(const Config& config, size_t lanes)
    : entity_(canonical::entity_path(config.behavior.entity)),
      source_ip_(canonical::kSourceIp),
      lanes_(lanes == 0 ? 1 : lanes) {}

size_t EntityRouter::lane_of(const Event& event, EntityKey* entity) {
  if (lanes_ == 1 && entity == nullptr) return 0;
  std::string scratch;
  std::string_view key = key_of(entity_.find(event.doc), scratch);
  const uint64_t entity_hash = key.empty() ? 0 : XXH3_64bits(key.data(), key.size());
  if (entity != nullptr) *entity = EntityKey{std::string(key), entity_hash};
  if (lanes_ == 1) return 0;
  if (!key.empty()) return entity_hash % lanes_;
  key = key_of(source_ip_.find(event.doc), scratch);
  if (key.empty()) return next_keyless_++ % lanes_;
  return XXH3_64bits(key.data(), key.size()) % lanes_;
}

}  // namespace vigil
