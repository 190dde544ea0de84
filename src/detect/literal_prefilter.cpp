#include "detect/literal_prefilter.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>

#include "detect/text_fold.h"

namespace vigil::sigma {

// Texts joined, each followed by '\n', in a buffer that keeps its size from
// event to event: one bounds check and one copy a text (std::string's two
// appends cost ~75 instructions a text, more than copying most texts).
class JoinedTexts {
 public:
  void clear() { used_ = 0; }
  void add(std::string_view text) {
    if (used_ + text.size() + 1 > buffer_.size()) buffer_.resize(2 * (used_ + text.size() + 1));
    std::memcpy(buffer_.data() + used_, text.data(), text.size());
    used_ += text.size();
    buffer_[used_++] = '\n';
  }
  std::string_view view() const { return {buffer_.data(), used_}; }
  // For a caseless scan: the texts' non-ASCII characters folded (the ASCII
  // ones the scan folds itself). In place, unless a character's lower case
  // is longer or shorter in UTF-8: the rest is then folded into a copy.
  void fold_for_caseless_scan() {
    const size_t stop = fold_non_ascii_in_place(buffer_.data(), used_);
    if (stop == used_) return;
    fold_case_into(view().substr(stop), tail_);
    used_ = stop;
    add(tail_);
    --used_;  // add()'s separator: the tail ends with the last text's
  }

 private:
  std::string buffer_;
  size_t used_ = 0;
  std::string tail_;
};

// A thread's scan state, reused from event to event: only the words and
// fields an event touched are cleared after it.
struct ScanBuffers {
  std::vector<uint64_t> bits;
  std::vector<uint32_t> touched_words;
  std::vector<uint8_t> scanned;  // by field id
  // The literals the text being scanned has reported so far (bits by
  // literal index of its field database, and the list to clear them by).
  std::vector<uint64_t> reported;
  std::vector<uint32_t> reported_literals;
  std::vector<int> scanned_fields;
  JoinedTexts joined;  // every text of the event, for the keyword database
  // hs_alloc_scratch only grows a scratch, and a grown scratch stays valid
  // for every database it was allocated for: one per thread serves every
  // index listed in `scratch_for` (ids, never reused unlike addresses).
  hs_scratch_t* scratch = nullptr;
  std::vector<uint64_t> scratch_for;
  bool busy = false;
  ScanBuffers() = default;
  ScanBuffers(const ScanBuffers&) = delete;
  ScanBuffers& operator=(const ScanBuffers&) = delete;
  ~ScanBuffers() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

namespace {

std::atomic<uint64_t> next_index_id{1};

ScanBuffers& thread_buffers() {
  thread_local ScanBuffers buffers;
  return buffers;
}

}  // namespace

LiteralIndex::LiteralIndex() : id_(next_index_id.fetch_add(1, std::memory_order_relaxed)) {}

LiteralIndex::~LiteralIndex() {
  for (auto& f : fields_) hs_free_database(f.db);
}

void LiteralIndex::add(int field_id, const StringPattern& p) {
  const std::string_view literal = p.required_literal();
  if (p.cased() || literal.empty()) return;
  const bool in_one_text = field_id >= 0;  // a keyword text is all texts joined
  auto& pending_list = in_one_text ? pending_fields_ : pending_keywords_;
  const auto i = static_cast<size_t>(in_one_text ? field_id : kEveryText - field_id);
  if (pending_list.size() <= i) pending_list.resize(i + 1);
  PendingField& pending = pending_list[i];
  if (!in_one_text) pending_keyword_field_.emplace(p.id(), field_id);
  // Only a gate's patterns are screened on a field: a field's Hyperscan
  // database costs per literal (its tables grow out of cache: SigmaHQ's
  // CommandLine one had 10,838), every literal found sets the bits of all
  // patterns requiring it (`\powershell.exe`: 181), and a pattern that opens
  // no gate only spares its own exact check, in a rule whose gate opened.
  if (in_one_text && !gate_patterns_.contains(p.id())) return;
  auto& by_literal = !in_one_text        ? pending.anywhere
                     : p.is_whole_text() ? pending.whole_texts
                     : p.is_prefix()     ? pending.prefixes
                     : p.is_suffix()     ? pending.suffixes
                                         : pending.anywhere;
  auto it = by_literal.find(literal);
  if (it == by_literal.end()) it = by_literal.emplace(std::string(literal), 0).first;
  it->second.push_back(p.id());
}

namespace {

// Whether `literal` (folded) could occur in what Subject::raw() writes for a
// number or a boolean: decimal digits, sign, point, exponent, inf/nan and
// true/false use no other characters.
bool could_be_in_scalar_text(std::string_view literal) {
  return literal.find_first_not_of("0123456789+-.einfatrulsn") == std::string_view::npos;
}

// A database of this many literals reports every occurrence of each
// (LiteralScan::report_literal sets a literal's bits once per text):
// HS_FLAG_SINGLEMATCH's bookkeeping grows with the database and cost
// SigmaHQ's CommandLine scan (8,132 literals) ~7 % of its cycles, more than
// the repeats. Smaller databases keep the flag: on the OTRF events' long
// PowerShell texts their repeats cost more than it.
constexpr size_t kReportEveryOccurrence = 1000;

// A field with this many literals to scan anywhere finds those of
// GramLiterals::kGram bytes or more by their grams, not with Hyperscan.
constexpr size_t kGramLiteralsFrom = 2000;

// Literal i gets id i; empty ones are left out (found another way).
Result<hs_database_t*> compile_literals(const std::vector<std::string_view>& literals,
                                        unsigned int flag) {
  if (literals.size() < kReportEveryOccurrence) flag |= HS_FLAG_SINGLEMATCH;
  std::vector<const char*> data;
  std::vector<size_t> lengths;
  std::vector<unsigned int> flags, ids;
  for (size_t i = 0; i < literals.size(); ++i) {
    if (literals[i].empty()) continue;
    data.push_back(literals[i].data());
    lengths.push_back(literals[i].size());
    flags.push_back(flag);
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(data.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned int>(data.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    std::string message = fmt::format("sigma: Hyperscan rejected the literal set: {}",
                                      error != nullptr ? error->message : "unknown error");
    hs_free_compile_error(error);
    return make_error(ErrorCode::kConfig, std::move(message));
  }
  return db;
}

}  // namespace

Result<void> LiteralIndex::compile() {
  keyword_groups_ = pending_keywords_.size();
  std::vector<PendingField> pending = std::move(pending_keywords_);
  for (auto& field : pending_fields_) pending.push_back(std::move(field));
  pending_fields_.clear();
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& field : pending) {
    for (const LiteralIds* by_literal :
         {&field.anywhere, &field.whole_texts, &field.prefixes, &field.suffixes}) {
      for (const auto& [literal, ids] : *by_literal) {
        for (uint64_t id : ids) {
          lo = std::min(lo, id);
          hi = std::max(hi, id);
        }
      }
    }
  }
  fields_.resize(pending.size());
  lookups_.assign(pending.size(), 0);
  if (lo > hi) return {};  // nothing to screen
  if (hi - lo >= UINT32_MAX) {
    return make_error(ErrorCode::kConfig, "sigma: pattern ids too sparse for the prefilter");
  }
  base_ = lo;
  bit_count_ = static_cast<uint32_t>(hi - lo + 1);
  screened_.assign((bit_count_ + 63) / 64, 0);
  std::vector<uint64_t> on_several((bit_count_ + 63) / 64, 0);
  keywords_need_only_strings_ = std::all_of(
      pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(keyword_groups_),
      [](const PendingField& group) {
        return std::none_of(group.anywhere.begin(), group.anywhere.end(), [](const auto& literal) {
          return could_be_in_scalar_text(literal.first);
        });
      });
  for (const auto& [id, field] : pending_keyword_field_)
    keyword_field_of_.emplace(static_cast<uint32_t>(id - base_), field);
  pending_keyword_field_.clear();
  for (size_t f = 0; f < pending.size(); ++f) {
    FieldDatabase& fd = fields_[f];
    std::vector<std::string_view> anywhere;
    for (const auto& literal : pending[f].anywhere) anywhere.push_back(literal.first);
    // Keyword texts are every text of the event joined: too many `=`.
    const bool pin = f >= keyword_groups_ && PinnedLiterals::can_hold(anywhere);
    const bool by_grams = f >= keyword_groups_ && !pin && anywhere.size() >= kGramLiteralsFrom;
    size_t left = anywhere.size();
    for (auto& literal : pending[f].anywhere) {
      const uint32_t index = add_literal(fd, literal, on_several);
      if (pin) fd.pinned.add(literal.first, index);
      if (by_grams && literal.first.size() >= GramLiterals::kGram) {
        fd.grams.add(literal.first, index);
        anywhere[index] = {};  // not in the Hyperscan database
        --left;
      }
    }
    fd.grams.freeze();
    if (pin || left == 0) anywhere.clear();
    for (auto& literal : pending[f].whole_texts) {
      fd.whole_texts.insert(0, literal.first, add_literal(fd, literal, on_several));
    }
    for (auto& literal : pending[f].prefixes) {
      fd.prefixes.add(literal.first, add_literal(fd, literal, on_several));
    }
    for (auto& literal : pending[f].suffixes) {
      fd.suffixes.add(literal.first, add_literal(fd, literal, on_several));
    }
    fd.prefixes.freeze();
    fd.suffixes.freeze();
    fd.first.push_back(static_cast<uint32_t>(fd.bits.size()));
    fd.gates.assign(fd.first.begin() + 1, fd.first.end());  // none until set_opened_gates
    if (anywhere.empty()) continue;
    // The keyword database also scans raw ASCII text (scan_every_text).
    auto db = compile_literals(anywhere, f < keyword_groups_ ? HS_FLAG_CASELESS : 0);
    if (!db) return tl::unexpected(db.error());
    fd.db = *db;
  }
  for (size_t f = 0; f < fields_.size(); ++f) lookups_[f] = lookups_of(fields_[f]);
  one_field_.resize(screened_.size());
  for (size_t w = 0; w < screened_.size(); ++w) one_field_[w] = screened_[w] & ~on_several[w];
  return {};
}

uint8_t LiteralIndex::lookups_of(const FieldDatabase& fd) {
  return static_cast<uint8_t>(
      (fd.whole_texts.size() != 0 ? kWholeTexts : 0) | (fd.prefixes.empty() ? 0 : kPrefixes) |
      (fd.suffixes.empty() ? 0 : kSuffixes) | (fd.pinned.empty() ? 0 : kPinned) |
      (fd.grams.empty() ? 0 : kGrams) | (fd.db != nullptr ? kAnywhere : 0));
}

uint32_t LiteralIndex::add_literal(FieldDatabase& fd, LiteralIds::value_type& literal,
                                   std::vector<uint64_t>& on_several) {
  auto& ids = literal.second;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto index = static_cast<uint32_t>(fd.first.size());
  fd.first.push_back(static_cast<uint32_t>(fd.bits.size()));
  for (uint64_t id : ids) {
    const auto bit = static_cast<uint32_t>(id - base_);
    fd.bits.push_back(bit);
    const uint64_t mask = uint64_t{1} << (bit & 63);
    if ((screened_[bit >> 6] & mask) != 0) on_several[bit >> 6] |= mask;
    screened_[bit >> 6] |= mask;
  }
  return index;
}

void LiteralIndex::set_opened_gates(const std::vector<std::vector<uint32_t>>& opened_by,
                                    const std::vector<bool>& evaluated) {
  std::vector<uint32_t> first, bits, gates;
  for (auto& fd : fields_) {
    if (fd.first.empty()) continue;  // compile() found nothing to screen
    first.assign(1, 0);
    bits.clear();
    for (size_t literal = 0; literal + 1 < fd.first.size(); ++literal) {
      gates.clear();
      for (uint32_t k = fd.first[literal]; k < fd.gates[literal]; ++k) {
        if (evaluated[fd.bits[k]]) bits.push_back(fd.bits[k]);
        gates.insert(gates.end(), opened_by[fd.bits[k]].begin(), opened_by[fd.bits[k]].end());
      }
      std::sort(gates.begin(), gates.end());
      gates.erase(std::unique(gates.begin(), gates.end()), gates.end());
      fd.gates[literal] = static_cast<uint32_t>(bits.size());
      bits.insert(bits.end(), gates.begin(), gates.end());
      first.push_back(static_cast<uint32_t>(bits.size()));
    }
    fd.first.swap(first);
    fd.bits.swap(bits);
  }
  // A pattern no longer screened answers kMaybe, never a stale kAbsent.
  for (uint32_t b = 0; b < bit_count_; ++b) {
    if (evaluated[b]) continue;
    screened_[b >> 6] &= ~(uint64_t{1} << (b & 63));
    one_field_[b >> 6] &= ~(uint64_t{1} << (b & 63));
  }
}

size_t LiteralIndex::slot(int field_id) const {
  if (field_id >= 0) return keyword_groups_ + static_cast<size_t>(field_id);
  const auto group = static_cast<size_t>(kEveryText - field_id);
  return group < keyword_groups_ ? group : SIZE_MAX;
}

std::optional<int> LiteralIndex::keyword_field_of(uint32_t bit) const {
  const auto it = keyword_field_of_.find(bit);
  if (it == keyword_field_of_.end()) return std::nullopt;
  return it->second;
}

void LiteralIndex::footprint(const StringPattern& p, std::vector<const void*>& out) const {
  const auto b = bit_of(p);
  if (!b) return;
  add_footprint(&screened_[*b >> 6], sizeof(uint64_t), out);
  add_footprint(&one_field_[*b >> 6], sizeof(uint64_t), out);
}

void LiteralIndex::heap_blocks(std::vector<HeapBlock>& out) const {
  out.push_back({fields_.data(), fields_.size() * sizeof(FieldDatabase)});
  out.push_back({screened_.data(), screened_.size() * sizeof(uint64_t)});
  out.push_back({one_field_.data(), one_field_.size() * sizeof(uint64_t)});
  for (const auto& fd : fields_) {
    out.push_back({fd.first.data(), fd.first.size() * sizeof(uint32_t)});
    out.push_back({fd.bits.data(), fd.bits.size() * sizeof(uint32_t)});
    out.push_back({fd.gates.data(), fd.gates.size() * sizeof(uint32_t)});
    size_t bytes = 0;
    if (fd.db != nullptr && hs_database_size(fd.db, &bytes) == HS_SUCCESS)
      out.push_back({fd.db, bytes});
    fd.prefixes.heap_blocks(out);
    fd.suffixes.heap_blocks(out);
    fd.grams.heap_blocks(out);
  }
}

LiteralIndex::Stats LiteralIndex::stats() const {
  Stats s;
  for (const auto& f : fields_) {
    s.whole_texts += f.whole_texts.size();
    s.anchored += f.prefixes.size() + f.suffixes.size();
    s.pinned += f.pinned.size();
    s.grams += f.grams.size();
    if (f.db == nullptr) continue;
    ++s.databases;
    s.literals += f.first.size() - 1 - f.whole_texts.size() - f.prefixes.size() -
                  f.suffixes.size() - f.pinned.size() - f.grams.size();
    size_t bytes = 0;
    if (hs_database_size(f.db, &bytes) == HS_SUCCESS) s.bytes += bytes;
  }
  for (uint64_t w : screened_) s.patterns += static_cast<size_t>(__builtin_popcountll(w));
  return s;
}

LiteralScan::LiteralScan(const LiteralIndex& index, const EventFields& fields)
    : index_(index), fields_(fields) {
  ScanBuffers& mine = thread_buffers();
  if (mine.busy) {
    owned_ = std::make_unique<ScanBuffers>();
    buffers_ = owned_.get();
  } else {
    buffers_ = &mine;
  }
  buffers_->busy = true;
  const size_t words = (index.bit_count_ + 63) / 64;
  if (buffers_->bits.size() < words) buffers_->bits.resize(words, 0);
  if (buffers_->scanned.size() < index.fields_.size()) {
    buffers_->scanned.resize(index.fields_.size(), 0);
  }
  bits_ = buffers_->bits.data();
}

LiteralScan::~LiteralScan() {
  for (uint32_t w : buffers_->touched_words) bits_[w] = 0;
  buffers_->touched_words.clear();
  for (int f : buffers_->scanned_fields) buffers_->scanned[static_cast<size_t>(f)] = 0;
  buffers_->scanned_fields.clear();
  buffers_->busy = false;
}

void LiteralScan::set_bits(const LiteralIndex::FieldDatabase& fd, uint32_t literal) {
  auto& touched = buffers_->touched_words;
  const uint32_t gates = fd.gates[literal];
  for (uint32_t k = fd.first[literal]; k < gates; ++k) {
    const uint32_t bit = fd.bits[k];
    uint64_t& word = bits_[bit >> 6];
    if (word == 0) touched.push_back(bit >> 6);
    word |= uint64_t{1} << (bit & 63);
  }
  if (open_ == nullptr) return;
  for (uint32_t k = gates; k < fd.first[literal + 1]; ++k)
    open_[fd.bits[k] >> 6] |= uint64_t{1} << (fd.bits[k] & 63);
}

// A literal may occur many times in a text (a space in a command line):
// its patterns' bits are set at its first occurrence only, so a text costs
// at most one check per occurrence, not a walk of the literal's patterns.
void LiteralScan::report_literal(uint32_t literal) {
  uint64_t& word = buffers_->reported[literal >> 6];
  const uint64_t mask = uint64_t{1} << (literal & 63);
  if ((word & mask) != 0) return;
  word |= mask;
  buffers_->reported_literals.push_back(literal);
  set_bits(*scanning_, literal);
}

int on_literal(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
               unsigned int /*flags*/, void* context) {
  static_cast<LiteralScan*>(context)->report_literal(id);
  return 0;
}

void LiteralScan::scan_text(const LiteralIndex::FieldDatabase& fd, uint8_t lookups,
                            std::string_view text) {
  using L = LiteralIndex::Lookup;
  if ((lookups & L::kWholeTexts) != 0) {
    if (const uint32_t literal = fd.whole_texts.find(0, text); literal != KeyTable::kAbsent) {
      set_bits(fd, literal);
    }
  }
  const auto found = [&](uint32_t literal) { set_bits(fd, literal); };
  if ((lookups & L::kPrefixes) != 0) fd.prefixes.for_each_match(text, found);
  if ((lookups & L::kSuffixes) != 0) fd.suffixes.for_each_match(text, found);
  if ((lookups & L::kPinned) != 0) fd.pinned.for_each_match(text, found);
  if ((lookups & (L::kAnywhere | L::kGrams)) != 0) scan_anywhere(fd, lookups, text);
}

bool LiteralScan::ensure_scratch() {
  ScanBuffers& b = *buffers_;
  if (std::find(b.scratch_for.begin(), b.scratch_for.end(), index_.id_) != b.scratch_for.end())
    return true;
  for (const auto& f : index_.fields_) {
    if (f.db != nullptr && hs_alloc_scratch(f.db, &b.scratch) != HS_SUCCESS) return false;
  }
  if (b.scratch_for.size() >= 16) b.scratch_for.clear();
  b.scratch_for.push_back(index_.id_);
  return true;
}

// The literals that may occur anywhere: the long ones of a big field by
// their grams, the rest with Hyperscan; each reported once per text.
void LiteralScan::scan_anywhere(const LiteralIndex::FieldDatabase& fd, uint8_t lookups,
                                std::string_view text) {
  ScanBuffers& b = *buffers_;
  const bool hyperscan = (lookups & LiteralIndex::kAnywhere) != 0;
  if ((hyperscan && !ensure_scratch()) || text.size() > UINT_MAX) {
    failed_ = true;
    return;
  }
  scanning_ = &fd;
  if (b.reported.size() < fd.first.size() / 64 + 1) b.reported.resize(fd.first.size() / 64 + 1, 0);
  fd.grams.for_each_match(text, [this](uint32_t literal) { report_literal(literal); });
  if (hyperscan && hs_scan(fd.db, text.data(), static_cast<unsigned int>(text.size()), 0, b.scratch,
                           on_literal, this) != HS_SUCCESS) {
    failed_ = true;
  }
  for (uint32_t literal : b.reported_literals) b.reported[literal >> 6] = 0;
  b.reported_literals.clear();
}

namespace {

// The text of every scalar under `v`, each followed by '\n', in the order
// of EventFields::all_texts() (the same walk); only strings when `strings_only`.
void append_texts(const Value& v, bool strings_only, JoinedTexts& out) {
  for_each_scalar(v, [&](const Value& scalar) {
    if (scalar.is_string()) {
      out.add(scalar.as_string());
      return;
    }
    if (strings_only) return;
    const Subject s(&scalar);
    if (s.has_text()) out.add(s.raw());
  });
}

}  // namespace

// Keyword searches test every text of the event: one scan over all texts
// joined. A literal found across two texts only makes its patterns
// candidates (the exact check decides), and keyword bits are never taken as
// the answer, so the join loses nothing. The texts are read from the
// document itself (the Subjects of all_texts() are only made when a keyword
// rule is evaluated). Numbers and booleans are left out when no keyword
// literal could be in their text (most Windows event values are numbers).
// The keyword database is caseless: on ASCII text (nearly every event) that
// is exactly a scan of the folded text, without folding it; of other text
// only the non-ASCII characters are folded, in place (folding is per
// character and the separator is ASCII, so a caseless scan of that is one
// of the join of the folded texts; folding all of it cost ~3 k instructions
// an event on the regression events, half of which have a `®`).
void LiteralScan::scan_every_text(const LiteralIndex::FieldDatabase& fd, uint8_t lookups) {
  scan_text(fd, lookups, joined_texts());
}

// The event's texts joined once, for every keyword group it scans.
std::string_view LiteralScan::joined_texts() {
  ScanBuffers& b = *buffers_;
  if (!joined_) {
    b.joined.clear();
    append_texts(fields_.doc(), index_.keywords_need_only_strings_, b.joined);
    b.joined.fold_for_caseless_scan();
    joined_ = true;
  }
  return b.joined.view();
}

// An array field is scanned element by element: each scalar element is a
// value a pattern may match (Sigma matches an array when one element does).
void LiteralScan::scan_field(int field_id) {
  ScanBuffers& b = *buffers_;
  const size_t f = index_.slot(field_id);
  if (failed_ || f >= index_.fields_.size() || b.scanned[f] != 0) return;
  b.scanned[f] = 1;
  b.scanned_fields.push_back(static_cast<int>(f));
  const uint8_t lookups = index_.lookups_[f];
  if (lookups == 0) return;
  const auto& fd = index_.fields_[f];
  if (field_id < 0) {
    scan_every_text(fd, lookups);
    return;
  }
  const Value* v = fields_.value(field_id);
  if (v == nullptr) return;
  if (!v->is_array()) {
    const Subject& s = fields_.subject(field_id);
    if (s.has_text()) scan_text(fd, lookups, s.folded());
    return;
  }
  for (const auto& element : v->as_array()) {
    const Subject s(&element, field_id);
    if (s.has_text()) scan_text(fd, lookups, s.folded());
  }
}

// A keyword is screened against every text of the event in turn, and its
// answer is the same for each (its bit says whether any text holds it): an
// absent keyword is remembered for the next texts (screen(), inline), which
// then cost a comparison instead of a hash lookup of its keyword field.
LiteralScan::Screen LiteralScan::screen_bit(const Subject& s, const StringPattern& p, uint32_t b) {
  // A keyword's bit is set by the scan of a group that holds it.
  const auto field = s.field_id() == kEveryText ? index_.keyword_field_of(b) : s.field_id();
  if (!field) return Screen::kMaybe;
  scan_field(*field);
  if (failed_) return Screen::kMaybe;
  if (!bit(b)) {
    if (s.field_id() == kEveryText) absent_keyword_ = &p;
    return Screen::kAbsent;
  }
  const bool one_field = ((index_.one_field_[b >> 6] >> (b & 63)) & 1) != 0;
  const bool whole_value = s.field_id() != kEveryText && s.value() != nullptr &&
                           s.value() == fields_.value(s.field_id()) && !s.value()->is_array();
  return one_field && whole_value ? Screen::kFound : Screen::kMaybe;
}

void LiteralScan::scan_fields(const std::vector<int>& field_ids) {
  for (int f : field_ids) scan_field(f);
}

}  // namespace vigil::sigma
