#pragma once
/// The loop's pending timers: a 4-ary min-heap on (deadline, scheduling
/// order). That order is total, so the timer that comes first is the same as
/// with any other heap (asyncio's binary heapq included).

#include <cstddef>

#include "weft/clock.hpp"

namespace weft::detail {

struct callback_node;

class timer_heap {
 public:
  /// 16 bytes: four siblings fill one 64-byte cache line, where the heap puts
  /// them. The sequence that breaks a tie between equal deadlines is the
  /// node's (callback_node::seq): ties are rare in a heap too large for the
  /// cache, and a small heap's nodes are in it.
  struct entry {
    time_point when;
    callback_node* node;
  };

  timer_heap() noexcept = default;
  timer_heap(const timer_heap&) = delete;
  timer_heap& operator=(const timer_heap&) = delete;
  ~timer_heap();

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  /// The earliest timer (the heap must not be empty).
  const entry& front() const noexcept { return data_[0]; }
  const entry* begin() const noexcept { return data_; }
  const entry* end() const noexcept { return data_ + size_; }

  /// Adds a timer; on bad_alloc the heap is unchanged.
  void push(entry e);
  /// Removes the earliest timer (the heap must not be empty).
  void pop() noexcept;
  /// Removes every timer for which `drop(node)` is true (drop may act on the
  /// node, e.g. free it), then restores the heap order.
  template <class Drop>
  void remove_if(Drop drop) noexcept {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i)
      if (!drop(data_[i].node)) data_[kept++] = data_[i];
    size_ = kept;
    make_heap();
  }
  void clear() noexcept { size_ = 0; }
  /// Gives memory back once the capacity is more than four times the size.
  void shrink() noexcept;

 private:
  void make_heap() noexcept;
  void sift_up(std::size_t i, entry e) noexcept;
  void sift_down(std::size_t i) noexcept;
  /// Of the siblings data_[first..first+3] that exist (first < size_), the earliest.
  std::size_t earliest_child(std::size_t first) const noexcept;
  /// Moves the entries to storage for `capacity` entries (>= size_).
  void reallocate(std::size_t capacity);

  // data_[i]'s children are data_[4i+1..4i+4]: the storage starts three
  // entries before a 64-byte boundary, so that data_ + 1 lies on one and
  // every group of siblings fills exactly one cache line.
  entry* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace weft::detail
