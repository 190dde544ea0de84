#include "core/reject_reason.h"

#include <array>

namespace vigil {
namespace {

constexpr std::array<std::string_view, kRejectReasonCount> kNames = {
    "parse_error", "not_object",   "invalid_utf8", "too_deep",          "field_too_large",
    "too_large",   "unauthorized", "queue_full",   "invalid_timestamp", "other"};
static_assert(!kNames.back().empty(), "a RejectReason without a name");

}  // namespace

std::string_view to_string(RejectReason r) {
  return kNames[static_cast<size_t>(r)];
}

}  // namespace vigil
