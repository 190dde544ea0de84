#include "store/posting_block.h"

#include <algorithm>
#include <string>

namespace vigil::store {

void PostingBlock::add(int64_t id, int64_t time, Severity severity, std::string_view event_type,
                       std::string_view user, std::string_view source_ip) {
  if (events_ == 0) {
    first_id_ = id;
    min_time_ = max_time_ = time;
  }
  last_id_ = id;
  min_time_ = std::min(min_time_, time);
  max_time_ = std::max(max_time_, time);
  ++events_;
  const Posting p{time, id};
  // Empty values are not searchable (an empty filter means "any"), so they get no term.
  // Info is the floor of every severity filter, so it needs no list either.
  add_term(all_term(), p);
  if (!event_type.empty()) add_term(term_of(TermField::kEventType, event_type), p);
  if (!user.empty()) add_term(term_of(TermField::kUser, user), p);
  if (!source_ip.empty()) add_term(term_of(TermField::kSourceIp, source_ip), p);
  if (severity != Severity::kInfo) add_term(severity_term(severity), p);
}

void PostingBlock::add_term(int64_t term, Posting p) {
  if (2 * (used_lists_ + 1) > slots_.size()) grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = static_cast<size_t>(term) & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.list == kFree) {
      slot = {term, static_cast<uint32_t>(used_lists_)};
      if (used_lists_ == lists_.size()) {
        lists_.emplace_back();
        list_terms_.push_back(0);
      }
      list_terms_[used_lists_] = term;
      lists_[used_lists_++].push_back(p);
      return;
    }
    if (slot.term == term) {
      lists_[slot.list].push_back(p);
      return;
    }
  }
}

void PostingBlock::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.list == kFree) continue;
    size_t i = static_cast<size_t>(s.term) & mask;
    while (slots_[i].list != kFree) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

Result<uint32_t> PostingBlock::write_buckets(const Sink& sink) {
  const uint32_t buckets = bucket_count_for(used_lists_);
  auto bucket = [&](uint32_t k) { return bucket_of(list_terms_[k], buckets); };
  std::vector<uint32_t> order(used_lists_);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const uint32_t ba = bucket(a), bb = bucket(b);
    return ba != bb ? ba < bb : list_terms_[a] < list_terms_[b];
  });
  // All lists are encoded before any is viewed: the buffer moves while it grows.
  std::string encoded;
  std::vector<size_t> ends(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    std::vector<Posting>& list = lists_[order[i]];
    // Ids only grow, so a list is out of time order only where events came late.
    if (!std::is_sorted(list.begin(), list.end())) std::sort(list.begin(), list.end());
    encode_postings(list, encoded);
    ends[i] = encoded.size();
  }
  std::vector<TermList> row_lists;
  std::string row;
  for (size_t i = 0; i < order.size();) {
    const uint32_t b = bucket(order[i]);
    row_lists.clear();
    for (; i < order.size() && bucket(order[i]) == b; ++i) {
      const size_t begin = i == 0 ? 0 : ends[i - 1];
      row_lists.push_back(
          {list_terms_[order[i]], std::string_view(encoded).substr(begin, ends[i] - begin)});
    }
    row.clear();
    encode_bucket(row_lists, row);
    if (auto r = sink(b, row); !r) return tl::unexpected(r.error());
  }
  return buckets;
}

void PostingBlock::clear() {
  for (size_t k = 0; k < used_lists_; ++k) lists_[k].clear();
  std::fill(slots_.begin(), slots_.end(), Slot{});
  used_lists_ = 0;
  events_ = 0;
}

}  // namespace vigil::store
