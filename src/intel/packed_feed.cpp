#include "intel/packed_feed.h"

#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "intel/fingerprint_table.h"

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

PackedFeed::Builder::Builder(std::string source, bool merge_duplicates)
    : feed_(new PackedFeed(std::move(source))), merge_duplicates_(merge_duplicates) {}

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
  scratch_.clear();
  for (const auto& t : tags) scratch_.push_back(intern(t));
  return intern_scratch_tags();
}

uint32_t PackedFeed::Builder::intern_scratch_tags() {
  PackedFeed& f = *feed_;
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

bool PackedFeed::Builder::add(const Indicator& ind) {
  Fields f;
  f.value = ind.value;
  f.type = ind.type;
  f.include_subdomains = ind.include_subdomains;
  f.severity = ind.severity;
  f.confidence = ind.confidence;
  f.first_seen = ind.first_seen;
  f.last_seen = ind.last_seen;
  f.valid_until = ind.valid_until;
  f.tags = intern_tags(ind.tags);
  f.description = intern(ind.description);
  f.reference = intern(ind.reference);
  return add(f);
}

bool PackedFeed::Builder::add(const Fields& in) {
  PackedFeed& f = *feed_;
  uint64_t fingerprint = 0;
  if (merge_duplicates_) {
    fingerprint = value_fingerprint(in.type, in.value);
    if (const int64_t at = find(fingerprint, in.type, in.value); at >= 0) {
      merge(f.records_[static_cast<size_t>(at)], in);
      return false;
    }
    remember(fingerprint, static_cast<uint32_t>(f.records_.size()));
  }
  Record r;
  r.value = {checked_offset(f.values_.size()), checked_offset(in.value.size())};
  f.values_.append(in.value);
  r.type = in.type;
  r.include_subdomains = in.include_subdomains;
  r.severity = in.severity;
  r.confidence = static_cast<uint8_t>(std::clamp(in.confidence, 0, 100));
  r.tags = in.tags;
  r.description = in.description;
  r.reference = in.reference;
  r.first_seen = in.first_seen.micros;
  r.last_seen = in.last_seen.micros;
  r.valid_until = in.valid_until.micros;
  f.records_.push_back(r);
  return true;
}

void PackedFeed::Builder::merge(Record& kept, const Fields& dup) {
  kept.severity = std::max(kept.severity, dup.severity);
  kept.confidence =
      std::max(kept.confidence, static_cast<uint8_t>(std::clamp(dup.confidence, 0, 100)));
  kept.first_seen = std::min(kept.first_seen, dup.first_seen.micros);
  kept.last_seen = std::max(kept.last_seen, dup.last_seen.micros);
  kept.valid_until = std::max(kept.valid_until, dup.valid_until.micros);
  kept.include_subdomains = kept.include_subdomains || dup.include_subdomains;
  if (dup.tags == kept.tags || dup.tags == 0) return;
  // The union of the two tag sets, the kept one's order first.
  const PackedFeed& f = *feed_;
  const Span a = f.tag_sets_[kept.tags], b = f.tag_sets_[dup.tags];
  std::vector<uint32_t> ids(f.tag_ids_.begin() + a.offset, f.tag_ids_.begin() + a.offset + a.size);
  for (uint32_t i = 0; i < b.size; ++i) {
    const uint32_t id = f.tag_ids_[b.offset + i];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.size() == a.size) return;
  scratch_ = std::move(ids);
  kept.tags = intern_scratch_tags();
}

int64_t PackedFeed::Builder::find(uint64_t fingerprint, IndicatorType type,
                                  std::string_view value) const {
  if (seen_.empty()) return -1;
  const size_t mask = seen_.size() - 1;
  for (size_t i = fingerprint & mask;; i = (i + 1) & mask) {
    const auto& [fp, slot] = seen_[i];
    if (slot == 0) return -1;
    if (fp != fingerprint) continue;
    const IndicatorRef r = current()[slot - 1];
    if (r.type() == type && r.value() == value) return slot - 1;
  }
}

void PackedFeed::Builder::remember(uint64_t fingerprint, uint32_t record) {
  if ((seen_count_ + 1) * 2 > seen_.size()) {  // at most half full
    std::vector<std::pair<uint64_t, uint32_t>> old(std::max<size_t>(64, seen_.size() * 2));
    old.swap(seen_);
    seen_count_ = 0;
    for (const auto& [fp, slot] : old) {
      if (slot != 0) remember(fp, slot - 1);
    }
  }
  const size_t mask = seen_.size() - 1;
  size_t i = fingerprint & mask;
  while (seen_[i].second != 0) i = (i + 1) & mask;
  seen_[i] = {fingerprint, record + 1};
  ++seen_count_;
}

size_t PackedFeed::Builder::expire(const Lifetimes& lifetimes, Timestamp now) {
  auto& records = feed_->records_;
  size_t kept = 0;
  for (Record& r : records) {
    if (r.valid_until == 0) r.valid_until = lifetimes.expiry_from(r.type, now).micros;
    if (r.valid_until > now.micros) records[kept++] = r;
  }
  const size_t dropped = records.size() - kept;
  records.resize(kept);
  if (dropped > 0) {
    // Record numbers moved: rebuild the duplicate index.
    seen_.clear();
    seen_count_ = 0;
    for (size_t i = 0; merge_duplicates_ && i < kept; ++i) {
      const IndicatorRef r = current()[i];
      remember(value_fingerprint(r.type(), r.value()), static_cast<uint32_t>(i));
    }
  }
  return dropped;
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
  seen_.clear();
  seen_.shrink_to_fit();
  seen_count_ = 0;
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
