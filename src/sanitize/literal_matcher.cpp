#include "sanitize/literal_matcher.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <atomic>
#include <climits>

namespace vigil::sanitize_detail {
namespace {

std::atomic<uint64_t> next_database_id{1};

// A thread's scratch space. hs_alloc_scratch only ever grows a scratch, and a
// grown scratch stays valid for every database it was allocated for, so one
// per thread serves all databases; `owner` records the last one it was sized
// for, keyed by id so a new database at a recycled address is never trusted.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  uint64_t owner = 0;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};
thread_local ThreadScratch tls_scratch;

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
             unsigned int /*flags*/, void* context) {
  static_cast<std::vector<Hit>*>(context)->push_back({id, static_cast<size_t>(to)});
  return 0;
}

}  // namespace

Result<std::unique_ptr<LiteralMatcher>> LiteralMatcher::compile(
    const std::vector<Trigger>& triggers) {
  if (triggers.empty()) return std::unique_ptr<LiteralMatcher>();
  std::vector<const char*> literals;
  std::vector<size_t> lengths;
  std::vector<unsigned int> flags, ids;
  for (size_t i = 0; i < triggers.size(); ++i) {
    literals.push_back(triggers[i].literal.data());
    lengths.push_back(triggers[i].literal.size());
    flags.push_back(triggers[i].caseless ? HS_FLAG_CASELESS : 0);
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(literals.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned int>(literals.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    std::string message = fmt::format("sanitize: Hyperscan rejected the pattern set: {}",
                                      error != nullptr ? error->message : "unknown error");
    hs_free_compile_error(error);
    return make_error(ErrorCode::kConfig, std::move(message));
  }
  return std::unique_ptr<LiteralMatcher>(new LiteralMatcher(db, next_database_id++));
}

LiteralMatcher::~LiteralMatcher() {
  hs_free_database(db_);
}

bool LiteralMatcher::scan(std::string_view text, std::vector<Hit>& hits) const {
  if (text.size() > UINT_MAX) return false;
  ThreadScratch& tls = tls_scratch;
  if (tls.owner != id_) {
    if (hs_alloc_scratch(db_, &tls.scratch) != HS_SUCCESS) return false;
    tls.owner = id_;
  }
  return hs_scan(db_, text.data(), static_cast<unsigned int>(text.size()), 0, tls.scratch, on_match,
                 &hits) == HS_SUCCESS;
}

}  // namespace vigil::sanitize_detail
