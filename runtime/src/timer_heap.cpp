#include "weft/detail/timer_heap.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "weft/event_loop.hpp"

namespace weft::detail {

namespace {
constexpr std::size_t arity = 4;
constexpr std::size_t line = 64;
// Entries before data_ in the storage, so that data_ + 1 is line-aligned.
constexpr std::size_t pad = line / sizeof(timer_heap::entry) - 1;
static_assert(sizeof(timer_heap::entry) * arity == line);

bool later(const timer_heap::entry& a, const timer_heap::entry& b) noexcept {
  return a.when != b.when ? a.when > b.when : a.node->seq > b.node->seq;
}

void release(timer_heap::entry* data) noexcept {
  if (data) ::operator delete(data - pad, std::align_val_t{line});
}
}  // namespace

timer_heap::~timer_heap() { release(data_); }

void timer_heap::reallocate(std::size_t capacity) {
  entry* data = nullptr;
  if (capacity) {
    void* raw = ::operator new((capacity + pad) * sizeof(entry), std::align_val_t{line});
    data = static_cast<entry*>(raw) + pad;
    if (size_) std::memcpy(data, data_, size_ * sizeof(entry));
  }
  release(data_);
  data_ = data;
  capacity_ = capacity;
}

void timer_heap::push(entry e) {
  if (size_ == capacity_) reallocate(std::max<std::size_t>(64, 2 * capacity_));
  sift_up(size_++, e);
}

void timer_heap::sift_up(std::size_t i, entry e) noexcept {
  while (i > 0) {
    const std::size_t parent = (i - 1) / arity;
    if (!later(data_[parent], e)) break;
    data_[i] = data_[parent];
    i = parent;
  }
  data_[i] = e;
}

std::size_t timer_heap::earliest_child(std::size_t first) const noexcept {
  if (first + arity <= size_) {
    // All four siblings: two independent pairs, then their winners.
    const std::size_t a = later(data_[first], data_[first + 1]) ? first + 1 : first;
    const std::size_t b = later(data_[first + 2], data_[first + 3]) ? first + 3 : first + 2;
    return later(data_[a], data_[b]) ? b : a;
  }
  std::size_t best = first;
  for (std::size_t c = first + 1; c < size_; ++c)
    if (later(data_[best], data_[c])) best = c;
  return best;
}

void timer_heap::pop() noexcept {
  // Bottom-up: the hole at the root sinks to a leaf along the earliest
  // children, then the last entry fills it and rises. The last entry is a
  // leaf's, so it rarely rises far, and a level costs three comparisons
  // instead of four.
  const entry last = data_[--size_];
  if (size_ == 0) return;
  std::size_t i = 0;
  for (std::size_t first = 1; first < size_; first = i * arity + 1) {
    const std::size_t best = earliest_child(first);
    data_[i] = data_[best];
    i = best;
  }
  sift_up(i, last);
}

void timer_heap::sift_down(std::size_t i) noexcept {
  const entry e = data_[i];
  for (std::size_t first = i * arity + 1; first < size_; first = i * arity + 1) {
    const std::size_t best = earliest_child(first);
    if (!later(e, data_[best])) break;
    data_[i] = data_[best];
    i = best;
  }
  data_[i] = e;
}

void timer_heap::make_heap() noexcept {
  if (size_ < 2) return;
  for (std::size_t i = (size_ - 2) / arity + 1; i-- > 0;) sift_down(i);
}

void timer_heap::shrink() noexcept {
  // On bad_alloc the larger storage stays.
  if (capacity_ <= 4 * size_) return;
  try {
    reallocate(size_);
  } catch (const std::bad_alloc&) {
  }
}

}  // namespace weft::detail
