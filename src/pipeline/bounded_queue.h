// A bounded multi-producer multi-consumer queue measured in "units" (events),
// not items: a batch of 5,000 events weighs 5,000. Producers either fail fast
// (HTTP answers 429) or block (replay applies back-pressure to its reader);
// nothing is ever dropped silently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace vigil {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // False when the queue cannot take `weight` more units now (or is closed).
  // An item heavier than the whole capacity is accepted into an empty queue,
  // so one large request can never be refused forever.
  bool try_push(T item, size_t weight) {
    std::lock_guard lock(mutex_);
    if (closed_ || !fits(weight)) return false;
    push_locked(std::move(item), weight);
    return true;
  }

  // Waits for room; false only when the queue is closed.
  bool push(T item, size_t weight) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || fits(weight); });
    if (closed_) return false;
    push_locked(std::move(item), weight);
    return true;
  }

  // Waits up to `timeout` for an item; nullopt on timeout or when closed and
  // empty. `ordinal` (optional) receives the item's place in pop order, 0, 1,
  // 2, ... without gaps, so consumers can restore FIFO order after working in
  // parallel.
  std::optional<T> pop(std::chrono::milliseconds timeout, uint64_t* ordinal = nullptr) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); })) {
      return std::nullopt;
    }
    if (items_.empty()) return std::nullopt;
    auto [item, weight] = std::move(items_.front());
    items_.pop_front();
    load_ -= weight;
    if (ordinal != nullptr) *ordinal = popped_;
    ++popped_;
    not_full_.notify_all();
    return std::move(item);
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  size_t load() const {
    std::lock_guard lock(mutex_);
    return load_;
  }
  size_t capacity() const { return capacity_; }
  // Closed and empty: consumers can stop.
  bool drained() const {
    std::lock_guard lock(mutex_);
    return closed_ && items_.empty();
  }
  bool full() const {
    std::lock_guard lock(mutex_);
    return load_ >= capacity_;
  }

 private:
  bool fits(size_t weight) const { return load_ == 0 || load_ + weight <= capacity_; }
  void push_locked(T item, size_t weight) {
    items_.emplace_back(std::move(item), weight);
    load_ += weight;
    not_empty_.notify_one();
  }

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::pair<T, size_t>> items_;
  size_t load_ = 0;
  uint64_t popped_ = 0;
  bool closed_ = false;
};

}  // namespace vigil
