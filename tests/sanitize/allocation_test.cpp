// The hot-path promise: once warmed up, sanitizing an event with nothing to
// find allocates nothing. Counts operator new calls on this thread.
#include <cstdlib>
#include <functional>
#include <new>

#include "sanitize_test_util.h"

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;
}  // namespace

// The whole non-aligned family is replaced, so that whatever allocates
// through one form and frees through another stays consistent (and ASan
// sees malloc/free pairs).
void* counted_alloc(std::size_t n) {
  if (counting) ++allocations;
  return std::malloc(n == 0 ? 1 : n);
}

void* operator new(std::size_t n) {
  if (void* p = counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counted_alloc(n);
}
// These operators pair the replaced operator new (malloc) with free. GCC 12
// at -O1 inlines them into gtest's `new TestClass` and then warns that free
// meets memory from operator new, which is exactly this file's design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace vigil {
namespace {

size_t allocations_during(const std::function<void()>& f) {
  allocations = 0;
  counting = true;
  f();
  counting = false;
  return allocations;
}

Value clean_event() {
  return Object{{"@timestamp", "2024-01-15T12:30:45.123Z"},
                {"event", Object{{"action", "login_failed"}, {"severity", 3}}},
                {"user", Object{{"name", "alice"}}},
                {"host", Object{{"name", "web-01"}}},
                {"message", "Failed password for alice port 52311 ssh2"},
                {"process", Object{{"name", "sshd"}, {"pid", 4242}}}};
}

TEST(SanitizeAllocation, CounterSeesAllocations) {
  EXPECT_GT(allocations_during([] { Value v = clean_event(); }), 0u);
}

TEST(SanitizeAllocation, NothingFoundMeansNothingAllocated) {
  const auto s = testing::default_sanitizer();
  Value doc = clean_event();
  // Warm up: thread-local buffers grow once, and the clean-string cache copies
  // a string the second time it is seen.
  s->sanitize(doc);
  s->sanitize(doc);
  EXPECT_EQ(allocations_during([&] { s->sanitize(doc); }), 0u);
  EXPECT_EQ(doc, clean_event());
}

TEST(SanitizeAllocation, FindingsAllocateOnlyForTheirOwnStrings) {
  const auto s = testing::default_sanitizer();
  Value doc = clean_event();
  doc.set("source", Object{{"ip", "203.0.113.77"}});
  Value warm = doc;
  s->sanitize(warm);
  warm = doc;
  s->sanitize(warm);
  // The rewritten IP is shorter than the original, so it fits in place.
  EXPECT_EQ(allocations_during([&] { s->sanitize(doc); }), 0u);
  EXPECT_EQ(doc.find("source")->find("ip")->as_string(), "203.0.113.0");
}

}  // namespace
}  // namespace vigil
