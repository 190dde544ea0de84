// SlidingVector: a vector that also removes at the front in amortized O(1),
// for correlation window entries (appended at the back, expired at the
// front, late ones inserted near the back). It replaces std::deque there:
// libstdc++'s deque allocates a 512-byte block and a map even when empty,
// and most correlation groups are tiny and short-lived, so that was several
// allocations per group. An empty SlidingVector allocates nothing, a small
// one allocates once.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace vigil::state {

template <typename T>
class SlidingVector {
 public:
  using value_type = T;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  const_iterator end() const { return items_.end(); }
  T& operator[](size_t i) { return items_[head_ + i]; }
  const T& operator[](size_t i) const { return items_[head_ + i]; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  const T& back() const { return items_.back(); }

  void push_back(T item) { items_.push_back(std::move(item)); }
  iterator insert(const_iterator pos, T item) { return items_.insert(pos, std::move(item)); }
  void pop_front() { erase_front(1); }
  // Removes the first n (n <= size()).
  void erase_front(size_t n) {
    // The slots stay until the next compaction: release what they hold now.
    for (size_t i = head_; i < head_ + n; ++i) items_[i] = T{};
    head_ += n;
    compact();
  }
  // Removes one element; the front in O(1), elsewhere by moving the tail.
  void erase(const_iterator pos) {
    if (pos == begin()) {
      pop_front();
    } else {
      items_.erase(pos);
    }
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }
  // Allocated slots (for tests and memory estimates).
  size_t capacity() const { return items_.capacity(); }

 private:
  // The dead prefix is dropped once it is at least half the vector: each
  // compaction moves no more live elements than were popped since the last.
  // Capacity left over from a burst goes back once the vector is mostly empty.
  void compact() {
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ >= 16 && 2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    if (items_.capacity() > 64 && 4 * items_.size() < items_.capacity()) items_.shrink_to_fit();
  }

  std::vector<T> items_;
  size_t head_ = 0;  // live elements are items_[head_ ..]
};

}  // namespace vigil::state
