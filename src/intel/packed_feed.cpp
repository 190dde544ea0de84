#include "intel/packed_feed.h"

#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace vigil::intel {
namespace {

uint32_t checked_offset(size_t offset) {
  // A feed whose text passes 4 GB is far beyond any real feed (and beyond the
  // memory target): a bug in the caller, not bad input.
  if (offset > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("packed feed text beyond 4 GB");
  }
  return static_cast<uint32_t>(offset);
}

}  // namespace

PackedFeed::PackedFeed(std::string name) : name_(std::move(name)) {
  strings_.push_back({});
  tag_sets_.push_back({});
}

PackedFeed::Builder::Builder(std::string source) : feed_(new PackedFeed(std::move(source))) {}

void PackedFeed::Builder::reserve(size_t indicators, size_t value_bytes) {
  feed_->records_.reserve(indicators);
  feed_->values_.reserve(value_bytes);
}

size_t PackedFeed::Builder::size() const {
  return feed_->records_.size();
}

uint32_t PackedFeed::Builder::intern(std::string_view text) {
  if (text.empty()) return 0;
  PackedFeed& f = *feed_;
  const uint64_t h = XXH3_64bits(text.data(), text.size());
  if (auto it = strings_.find(h); it != strings_.end() && f.text(it->second) == text) {
    return it->second;
  }
  const auto id = static_cast<uint32_t>(f.strings_.size());
  f.strings_.push_back({checked_offset(f.text_.size()), checked_offset(text.size())});
  f.text_.append(text);
  strings_.emplace(h, id);  // a (64-bit) collision keeps the first: the text is just not shared
  return id;
}

uint32_t PackedFeed::Builder::intern_tags(const std::vector<std::string>& tags) {
  if (tags.empty()) return 0;
  PackedFeed& f = *feed_;
  scratch_.clear();
  for (const auto& t : tags) scratch_.push_back(intern(t));
  const uint64_t h = XXH3_64bits(scratch_.data(), scratch_.size() * sizeof(uint32_t));
  if (auto it = tag_sets_.find(h); it != tag_sets_.end()) {
    const Span s = f.tag_sets_[it->second];
    if (std::equal(scratch_.begin(), scratch_.end(), f.tag_ids_.begin() + s.offset,
                   f.tag_ids_.begin() + s.offset + s.size)) {
      return it->second;
    }
  }
  const auto id = static_cast<uint32_t>(f.tag_sets_.size());
  f.tag_sets_.push_back(
      {checked_offset(f.tag_ids_.size()), static_cast<uint32_t>(scratch_.size())});
  f.tag_ids_.insert(f.tag_ids_.end(), scratch_.begin(), scratch_.end());
  tag_sets_.emplace(h, id);
  return id;
}

void PackedFeed::Builder::add(const Indicator& ind) {
  PackedFeed& f = *feed_;
  Record r;
  r.value = {checked_offset(f.values_.size()), checked_offset(ind.value.size())};
  f.values_.append(ind.value);
  r.type = ind.type;
  r.include_subdomains = ind.include_subdomains;
  r.severity = ind.severity;
  r.confidence = static_cast<uint8_t>(std::clamp(ind.confidence, 0, 100));
  r.tags = intern_tags(ind.tags);
  r.description = intern(ind.description);
  r.reference = intern(ind.reference);
  r.first_seen = ind.first_seen.micros;
  r.last_seen = ind.last_seen.micros;
  r.valid_until = ind.valid_until.micros;
  f.records_.push_back(r);
}

std::shared_ptr<const PackedFeed> PackedFeed::Builder::finish() {
  PackedFeed& f = *feed_;
  // Vectors grown by doubling hold up to twice what they need: at millions of
  // indicators that is the difference between meeting the memory target or not.
  f.records_.shrink_to_fit();
  f.values_.shrink_to_fit();
  f.text_.shrink_to_fit();
  f.strings_.shrink_to_fit();
  f.tag_ids_.shrink_to_fit();
  f.tag_sets_.shrink_to_fit();
  strings_.clear();
  tag_sets_.clear();
  auto done = std::move(feed_);
  feed_ = std::shared_ptr<PackedFeed>(new PackedFeed(done->name_));
  return done;
}

Indicator IndicatorRef::unpack() const {
  Indicator i;
  i.value = std::string(value());
  i.type = type();
  i.include_subdomains = include_subdomains();
  i.source = source();
  i.severity = severity();
  i.confidence = confidence();
  i.first_seen = first_seen();
  i.last_seen = last_seen();
  i.valid_until = valid_until();
  for_each_tag([&](std::string_view t) { i.tags.emplace_back(t); });
  i.description = std::string(description());
  i.reference = std::string(reference());
  return i;
}

std::vector<Indicator> PackedFeed::unpack_all() const {
  std::vector<Indicator> out;
  out.reserve(size());
  for (size_t i = 0; i < size(); ++i) out.push_back((*this)[i].unpack());
  return out;
}

}  // namespace vigil::intel
