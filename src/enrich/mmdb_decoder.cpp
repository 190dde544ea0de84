#include "enrich/mmdb_decoder.h"

#include <fmt/core.h>

#include <algorithm>

namespace vigil::mmdb {
namespace {

constexpr uint32_t kInProgress = UINT32_MAX;

tl::unexpected<std::string> too_large() {
  return tl::unexpected(std::string("section larger than 4 GiB"));
}

}  // namespace

tl::expected<void, std::string> Decoder::verify(uint32_t offset) {
  if (section_.size() > UINT32_MAX) return too_large();
  if (verified_.contains(offset)) return {};
  verified_.emplace(offset, kInProgress);
  auto w = walk(offset, 0, nullptr);
  if (!w) return tl::unexpected(std::move(w.error()));
  verified_[offset] = w->height;
  return {};
}

tl::expected<Value, std::string> Decoder::decode(uint32_t offset) {
  if (section_.size() > UINT32_MAX) return too_large();
  Value v;
  auto w = walk(offset, 0, &v);
  if (!w) return tl::unexpected(std::move(w.error()));
  return v;
}

tl::expected<void, std::string> Decoder::spend_bytes(uint32_t offset, uint64_t bytes) {
  decoded_bytes_ += bytes;
  if (decoded_bytes_ > kMaxDecodedBytes) {
    return fail_at(offset, fmt::format("more than {} bytes of strings", kMaxDecodedBytes));
  }
  return {};
}

Decoder::Step Decoder::walk(uint32_t offset, uint32_t depth, Value* out) {
  if (out != nullptr && ++decoded_values_ > kMaxDecodedValues) {
    return fail_at(offset, fmt::format("more than {} values", kMaxDecodedValues));
  }
  auto f = read_field(section_, offset);
  if (!f) return tl::unexpected(std::move(f.error()));
  if (f->type == Type::kPointer) return walk_pointer(*f, depth, out);
  if (f->type == Type::kMap || f->type == Type::kArray) return walk_container(*f, depth, out);
  if (out != nullptr && (f->type == Type::kString || f->type == Type::kBytes)) {
    if (auto ok = spend_bytes(offset, f->size); !ok) return tl::unexpected(std::move(ok.error()));
  }
  auto end = read_scalar(section_, *f, out);
  if (!end) return tl::unexpected(std::move(end.error()));
  return Walked{*end, 0};
}

Decoder::Step Decoder::walk_pointer(const Field& f, uint32_t depth, Value* out) {
  if (f.target >= section_.size()) {
    return fail_at(f.offset, fmt::format("pointer to {} is past the end of the section ({} bytes)",
                                         f.target, section_.size()));
  }
  auto target = read_field(section_, f.target);
  if (!target) return tl::unexpected(std::move(target.error()));
  if (target->type == Type::kPointer) return fail_at(f.offset, "pointer points to another pointer");
  if (out != nullptr) {
    auto w = walk(f.target, depth, out);
    if (!w) return w;
    return Walked{f.payload, w->height};
  }
  if (auto it = verified_.find(f.target); it != verified_.end()) {
    if (it->second == kInProgress) {
      return fail_at(f.offset, fmt::format("pointer cycle back to offset {}", f.target));
    }
    if (depth + it->second > kMaxDepth) {
      return fail_at(f.offset, fmt::format("values nested deeper than {}", kMaxDepth));
    }
    return Walked{f.payload, it->second};
  }
  verified_.emplace(f.target, kInProgress);
  auto w = walk(f.target, depth, nullptr);
  if (!w) return w;
  verified_[f.target] = w->height;
  return Walked{f.payload, w->height};
}

Decoder::Step Decoder::walk_container(const Field& f, uint32_t depth, Value* out) {
  if (depth >= kMaxDepth) {
    return fail_at(f.offset, fmt::format("values nested deeper than {}", kMaxDepth));
  }
  const bool is_map = f.type == Type::kMap;
  uint32_t pos = f.payload;
  uint32_t height = 0;
  Array array;
  Object object;
  // Every entry takes at least one byte, so a count larger than what is left
  // fails on the first read past the end (never trusted for reserve()).
  for (uint32_t i = 0; i < f.size; ++i) {
    std::string key;
    if (is_map) {
      auto key_end = read_key(pos, out != nullptr ? &key : nullptr);
      if (!key_end) return tl::unexpected(std::move(key_end.error()));
      pos = *key_end;
    }
    Value v;
    auto w = walk(pos, depth + 1, out != nullptr ? &v : nullptr);
    if (!w) return w;
    pos = w->end;
    height = std::max(height, w->height);
    if (out == nullptr) continue;
    if (is_map) {
      object.emplace_back(std::move(key), std::move(v));
    } else {
      array.push_back(std::move(v));
    }
  }
  if (out != nullptr) *out = is_map ? Value(std::move(object)) : Value(std::move(array));
  return Walked{pos, height + 1};
}

tl::expected<uint32_t, std::string> Decoder::read_key(uint32_t offset, std::string* key) {
  auto f = read_field(section_, offset);
  if (!f) return tl::unexpected(std::move(f.error()));
  const bool shared = f->type == Type::kPointer;
  Field str = *f;
  if (shared) {
    if (f->target >= section_.size()) return fail_at(offset, "map key pointer past the end");
    auto target = read_field(section_, f->target);
    if (!target) return tl::unexpected(std::move(target.error()));
    str = *target;
  }
  if (str.type != Type::kString) {
    return fail_at(offset, fmt::format("map key is a {}, not a string", type_name(str.type)));
  }
  // Writers share keys through pointers across all records: check each once.
  if (!shared || !verified_.contains(str.offset)) {
    auto end = read_scalar(section_, str, nullptr);
    if (!end) return tl::unexpected(std::move(end.error()));
    if (shared) verified_.emplace(str.offset, 0);
  }
  if (key != nullptr) {
    if (auto ok = spend_bytes(offset, str.size); !ok) return tl::unexpected(std::move(ok.error()));
    key->assign(section_.substr(str.payload, str.size));
  }
  return shared ? f->payload : str.payload + str.size;
}

}  // namespace vigil::mmdb
