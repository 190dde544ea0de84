// SlidingVector: a ring buffer with random access, for correlation window
// entries (appended at the back, expired at the front, late ones inserted
// near the back). It replaces std::deque there: libstdc++'s deque allocates a
// 512-byte block and a map even when empty, and most correlation groups are
// tiny and short-lived, so that was several allocations per group. An empty
// SlidingVector allocates nothing, a small one allocates once.
//
// A ring rather than a vector with a dead prefix: a window that slides (as
// many pop at the front as are pushed at the back) keeps its live elements in
// one to two times their number of slots. The vector it replaced held two to
// four times, because the popped prefix stayed until it was half the vector
// and the vector's capacity doubled past that; window entries were the
// largest part of a default replay's heap (docs/benchmarks.md, session 10).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace vigil::state {

template <typename T>
class SlidingVector {
  template <bool Const>
  class Iterator;

 public:
  using value_type = T;
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  SlidingVector() = default;
  SlidingVector(SlidingVector&& o) noexcept
      : slots_(std::move(o.slots_)),
        capacity_(std::exchange(o.capacity_, 0)),
        head_(std::exchange(o.head_, 0)),
        size_(std::exchange(o.size_, 0)) {}
  SlidingVector& operator=(SlidingVector&& o) noexcept {
    slots_ = std::move(o.slots_);
    capacity_ = std::exchange(o.capacity_, 0);
    head_ = std::exchange(o.head_, 0);
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  T& operator[](size_t i) { return slots_[(head_ + i) & (capacity_ - 1)]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(T item) {
    if (size_ == capacity_) reallocate(capacity_ == 0 ? 1 : 2 * capacity_);
    (*this)[size_++] = std::move(item);
  }
  // Inserts before `pos` by moving the elements after it one slot back (late
  // entries land near the back, so few move).
  iterator insert(const_iterator pos, T item) {
    const size_t at = pos.index_;
    push_back(std::move(item));
    for (size_t i = size_ - 1; i > at; --i) std::swap((*this)[i], (*this)[i - 1]);
    return {this, at};
  }
  void pop_front() { erase_front(1); }
  // Removes the first n (n <= size()).
  void erase_front(size_t n) {
    for (size_t i = 0; i < n; ++i) (*this)[i] = T{};  // release what they hold now
    head_ = (head_ + n) & (capacity_ - 1);
    size_ -= n;
    if (size_ == 0) head_ = 0;
    shrink_after_burst();
  }
  // Removes one element; the front in O(1), elsewhere by moving the tail.
  void erase(const_iterator pos) {
    if (pos.index_ == 0) return pop_front();
    for (size_t i = pos.index_; i + 1 < size_; ++i) (*this)[i] = std::move((*this)[i + 1]);
    (*this)[--size_] = T{};
  }
  void clear() { erase_front(size_); }
  // Allocated slots (for tests and memory estimates).
  size_t capacity() const { return capacity_; }

 private:
  static constexpr size_t kShrinkAbove = 64;

  // Capacity left over from a burst goes back once the ring is mostly empty.
  void shrink_after_burst() {
    if (capacity_ > kShrinkAbove && 4 * size_ < capacity_)
      reallocate(std::max(kShrinkAbove, std::bit_ceil(2 * size_)));
  }
  // `capacity` is a power of two >= size_.
  void reallocate(size_t capacity) {
    auto slots = std::make_unique<T[]>(capacity);
    for (size_t i = 0; i < size_; ++i) slots[i] = std::move((*this)[i]);
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
  }

  std::unique_ptr<T[]> slots_;
  size_t capacity_ = 0;  // a power of two, or 0
  size_t head_ = 0;      // the slot of element 0
  size_t size_ = 0;
};

// Random access by the element's index, so the standard algorithms
// (upper_bound, count_if, ...) run on a SlidingVector as on a vector.
template <typename T>
template <bool Const>
class SlidingVector<T>::Iterator {
  using Owner = std::conditional_t<Const, const SlidingVector, SlidingVector>;

 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = std::conditional_t<Const, const T*, T*>;
  using reference = std::conditional_t<Const, const T&, T&>;

  Iterator() = default;
  Iterator(Owner* owner, size_t index) : owner_(owner), index_(index) {}
  // iterator -> const_iterator
  template <bool C = Const, typename = std::enable_if_t<C>>
  Iterator(const Iterator<false>& it) : owner_(it.owner_), index_(it.index_) {}

  reference operator*() const { return (*owner_)[index_]; }
  pointer operator->() const { return &(*owner_)[index_]; }
  reference operator[](difference_type n) const { return *(*this + n); }

  Iterator& operator++() { return *this += 1; }
  Iterator operator++(int) {
    Iterator old = *this;
    ++*this;
    return old;
  }
  Iterator& operator--() { return *this -= 1; }
  Iterator operator--(int) {
    Iterator old = *this;
    --*this;
    return old;
  }
  Iterator& operator+=(difference_type n) {
    index_ = static_cast<size_t>(static_cast<difference_type>(index_) + n);
    return *this;
  }
  Iterator& operator-=(difference_type n) { return *this += -n; }
  friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
  friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
  friend Iterator operator-(Iterator it, difference_type n) { return it -= n; }
  friend difference_type operator-(const Iterator& a, const Iterator& b) {
    return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
  }
  friend bool operator==(const Iterator& a, const Iterator& b) { return a.index_ == b.index_; }
  friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.index_ <=> b.index_; }

 private:
  friend class SlidingVector;
  template <bool>
  friend class Iterator;

  Owner* owner_ = nullptr;
  size_t index_ = 0;
};

}  // namespace vigil::state
