#include "sanitize/clean_string_cache.h"

namespace vigil::sanitize_detail {

void CleanStringCache::use_for(uint64_t owner) {
  if (owner == owner_) return;
  owner_ = owner;
  slots_.assign(kSlots, Slot{});
}

void CleanStringCache::insert(std::string_view s, bool is_key) {
  if (s.size() > kMaxLength) return;
  const Ends e = ends_of(s, is_key);
  Slot& slot = slots_[e.slot()];
  slot.ends = e;
  if (s.size() > 16) {
    slot.text.assign(s);
  } else {
    slot.text.clear();
  }
}

}  // namespace vigil::sanitize_detail
