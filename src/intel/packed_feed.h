// One source's indicators packed for memory (issue 5: 10 M indicators in
// ≤ 1.5 GB): values in one character arena, descriptions, references and tag
// lists interned per feed, the fixed fields in a 48-byte record. An
// `Indicator` costs ~200 bytes plus its heap strings; a packed one ~48 plus
// its value's characters. Immutable once built: IndicatorRef reads a record
// in place, unpack() rebuilds the Indicator for callers that need one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "intel/huge_pages.h"
#include "intel/indicator.h"
#include "intel/lifetimes.h"

namespace vigil::intel {

class IndicatorRef;

class PackedFeed {
  friend class IndicatorRef;
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  struct Record {
    Span value;  // in values_
    IndicatorType type = IndicatorType::kIpv4;
    bool include_subdomains = false;
    Severity severity = Severity::kMedium;
    uint8_t confidence = 0;
    uint32_t tags = 0;  // tag-set id (0: none)
    uint32_t description = 0;
    uint32_t reference = 0;  // string ids (0: empty)
    int64_t first_seen = 0;
    int64_t last_seen = 0;
    int64_t valid_until = 0;
  };
  static_assert(sizeof(Record) == 48);

 public:
  // One indicator's fields as the builder takes them: the value is copied,
  // tags, description and reference are ids from the builder's intern calls
  // (a feed reader interns its constant tags once, not once per row).
  struct Fields {
    std::string_view value;  // normalized
    IndicatorType type = IndicatorType::kIpv4;
    bool include_subdomains = false;
    Severity severity = Severity::kMedium;
    int confidence = 50;
    Timestamp first_seen;
    Timestamp last_seen;
    Timestamp valid_until;  // 0: not set yet (Builder::expire)
    uint32_t tags = 0;      // intern_tags()
    uint32_t description = 0;
    uint32_t reference = 0;  // intern()
  };

  // Adds indicators one at a time, so a 10-million-row load never holds them
  // all as `Indicator`s.
  class Builder {
   public:
    // merge_duplicates: a value added twice (same type) is one record, merged
    // as a feed means it (highest severity and confidence, earliest
    // first_seen, latest last_seen and valid_until, union of tags).
    explicit Builder(std::string source, bool merge_duplicates = false);
    void reserve(size_t indicators, size_t value_bytes);
    // The indicator's own `source` is ignored: the feed's name is its source.
    // False when the value was already there (merged into it).
    bool add(const Indicator& indicator);
    bool add(const Fields& fields);
    uint32_t intern(std::string_view text);
    uint32_t intern_tags(const std::vector<std::string>& tags);
    // Gives every record without a valid_until the type's lifetime from
    // `now`, then drops those expired at `now`; how many were dropped.
    size_t expire(const Lifetimes& lifetimes, Timestamp now);
    size_t size() const;
    // The records so far, read in place (the builder keeps adding).
    const PackedFeed& current() const { return *feed_; }
    const std::string& name() const { return feed_->name_; }
    void rename(std::string source) { feed_->name_ = std::move(source); }
    // The feed; the builder is then empty, for the same source.
    std::shared_ptr<const PackedFeed> finish();

   private:
    void merge(Record& kept, const Fields& dup);
    uint32_t intern_scratch_tags();  // the tag set of the string ids in scratch_
    // The record holding this value, or -1 (merge_duplicates only).
    int64_t find(uint64_t fingerprint, IndicatorType type, std::string_view value) const;
    void remember(uint64_t fingerprint, uint32_t record);

    std::shared_ptr<PackedFeed> feed_;
    bool merge_duplicates_ = false;
    std::unordered_map<uint64_t, uint32_t> strings_;   // hash of the text → id
    std::unordered_map<uint64_t, uint32_t> tag_sets_;  // hash of the id list → set id
    std::vector<uint32_t> scratch_;
    // merge_duplicates: fingerprint → record + 1 (0: empty), open addressing.
    std::vector<std::pair<uint64_t, uint32_t>> seen_;
    size_t seen_count_ = 0;
  };

  const std::string& name() const { return name_; }
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  IndicatorRef operator[](size_t i) const;
  std::vector<Indicator> unpack_all() const;

 private:
  explicit PackedFeed(std::string name);
  std::string_view text(uint32_t id) const {
    const Span s = strings_[id];
    return std::string_view(text_).substr(s.offset, s.size);
  }

  std::string name_;
  std::vector<Record, HugePageAllocator<Record>> records_;
  std::string values_;
  std::string text_;               // interned strings
  std::vector<Span> strings_;      // string id → text_ (id 0: "")
  std::vector<uint32_t> tag_ids_;  // the string ids of every tag set
  std::vector<Span> tag_sets_;     // tag-set id → tag_ids_ (id 0: no tags)
};

// One packed indicator, read in place. Valid while its feed is alive (the
// index that handed it out keeps the feed).
class IndicatorRef {
 public:
  IndicatorRef(const PackedFeed& feed, size_t index) : feed_(&feed), rec_(&feed.records_[index]) {}

  std::string_view value() const {
    return std::string_view(feed_->values_).substr(rec_->value.offset, rec_->value.size);
  }
  IndicatorType type() const { return rec_->type; }
  bool include_subdomains() const { return rec_->include_subdomains; }
  const std::string& source() const { return feed_->name_; }
  Severity severity() const { return rec_->severity; }
  int confidence() const { return rec_->confidence; }
  Timestamp first_seen() const { return Timestamp{rec_->first_seen}; }
  Timestamp last_seen() const { return Timestamp{rec_->last_seen}; }
  Timestamp valid_until() const { return Timestamp{rec_->valid_until}; }
  std::string_view description() const { return feed_->text(rec_->description); }
  std::string_view reference() const { return feed_->text(rec_->reference); }
  // Calls f(std::string_view) for each tag, in the feed's order.
  template <typename F>
  void for_each_tag(F&& f) const {
    const PackedFeed::Span set = feed_->tag_sets_[rec_->tags];
    for (uint32_t i = 0; i < set.size; ++i) f(feed_->text(feed_->tag_ids_[set.offset + i]));
  }
  Indicator unpack() const;
  // Starts loading the record (batched lookups).
  void prefetch() const { __builtin_prefetch(rec_); }

 private:
  const PackedFeed* feed_;
  const PackedFeed::Record* rec_;
};

inline IndicatorRef PackedFeed::operator[](size_t i) const {
  return IndicatorRef(*this, i);
}

}  // namespace vigil::intel
