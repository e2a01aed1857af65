#pragma once
/// weft::queue, lifo_queue and priority_queue: asyncio.Queue, LifoQueue and
/// PriorityQueue (3.13, with shutdown).

#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "weft/coro.hpp"
#include "weft/detail/loop_bound.hpp"
#include "weft/detail/waiters.hpp"
#include "weft/event.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"
#include "weft/detail/planted.hpp"

namespace weft {

namespace detail {

/// asyncio.Queue's logic; Store holds the items (_init/_put/_get).
template <class T, class Store>
class basic_queue : detail::loop_bound {
 public:
  /// Queue(maxsize): maxsize <= 0 means unbounded.
  explicit basic_queue(std::ptrdiff_t maxsize = 0) : maxsize_(maxsize) { finished_.set(); }
  basic_queue(const basic_queue&) = delete;
  basic_queue& operator=(const basic_queue&) = delete;

  /// Queue.qsize().
  std::size_t qsize() const noexcept { return store_.size(); }
  /// Queue.maxsize.
  std::ptrdiff_t maxsize() const noexcept { return maxsize_; }
  /// Queue.empty().
  bool empty() const noexcept { return store_.empty(); }
  /// Queue.full().
  bool full() const noexcept { return maxsize_ > 0 && static_cast<std::ptrdiff_t>(qsize()) >= maxsize_; }

  /// Queue.put(item): waits while the queue is full. Throws queue_shut_down
  /// once the queue is shut down.
  coro<void> put(T item) {
    while (full()) {
      if (shutdown_) throw queue_shut_down();
      auto waiter = wait_turn(putters_, &basic_queue::full);
      // A cancellation reaches the awaiting coroutine without a throw here.
      if (std::exception_ptr e = co_await waiter.caught()) co_await detail::raise_up{e};
    }
    put_nowait(std::move(item));
  }

  /// Queue.put_nowait(item): throws queue_full if full, queue_shut_down if shut down.
  void put_nowait(T item) {
    if (shutdown_) throw queue_shut_down();
    if (full()) throw queue_full();
    store_.put(std::move(item));
    ++unfinished_tasks_;
    finished_.clear();
    wakeup_next(getters_);
  }

  /// Queue.get(): waits while the queue is empty. Throws queue_shut_down if
  /// the queue is shut down and empty.
  coro<T> get() {
    while (empty()) {
      if (shutdown_ && empty()) throw queue_shut_down();
      auto waiter = wait_turn(getters_, &basic_queue::empty);
      if (std::exception_ptr e = co_await waiter.caught()) co_return raising{std::move(e)};
    }
    co_return get_nowait();
  }

  /// Queue.get_nowait(): throws queue_empty if empty (queue_shut_down if shut down).
  T get_nowait() {
    if (empty()) {
      if (shutdown_) throw queue_shut_down();
      throw queue_empty();
    }
    T item = store_.get();
    wakeup_next(putters_);
    return item;
  }

  /// Queue.task_done(): throws std::invalid_argument("task_done() called too many times").
  void task_done() {
    if (unfinished_tasks_ == 0) throw std::invalid_argument("task_done() called too many times");
    if (--unfinished_tasks_ == 0) finished_.set();
  }

  /// Queue.join(): waits until every item put has been marked task_done().
  coro<void> join() {
    if (unfinished_tasks_ == 0) co_return;
    auto waiting = finished_.wait();
    auto waited = co_await waiting.caught();
    if (std::exception_ptr e = waited.exception()) co_await detail::raise_up{e};
  }

  /// Queue.shutdown(immediate): puts fail from now on; gets fail once the
  /// queue is empty (at once with immediate, which also drops the items).
  void shutdown(bool immediate = false) {
    shutdown_ = true;
    if (immediate) {
      while (!empty()) {
        (void)store_.get();
        if (unfinished_tasks_ > 0) --unfinished_tasks_;
      }
      if (unfinished_tasks_ == 0) finished_.set();
    }
    while (!getters_.empty()) {
      future<void> g = std::move(getters_.front());
      getters_.pop_front();
      if (!g.done()) g.set_result();
    }
    while (!putters_.empty()) {
      future<void> p = std::move(putters_.front());
      putters_.pop_front();
      if (!p.done()) p.set_result();
    }
  }

 private:
  /// One wait of put() (`blocked`: full) or get() (empty) in `waiters`.
  auto wait_turn(waiter_queue& waiters, bool (basic_queue::*blocked)() const noexcept) {
    future<void> fut(get_loop("Queue"));
    return await_queue_waiter(waiters, std::move(fut), [this, &waiters, blocked](const future<void>& w) {
      // Planted bug: a getter cancelled after its wakeup takes an item with it.
      if (WEFT_PLANTED(queue_drops_on_cancelled_get) && &waiters == &getters_ && !w.cancelled() && !empty())
        (void)store_.get();
      // We were woken up, but cannot take the call: wake up the next in line.
      if (!(this->*blocked)() && !w.cancelled()) wakeup_next(waiters);
    });
  }
  static void wakeup_next(waiter_queue& waiters) {
    while (!waiters.empty()) {
      future<void> w = std::move(waiters.front());
      waiters.pop_front();
      if (!w.done()) {
        w.set_result();
        break;
      }
    }
  }

  std::ptrdiff_t maxsize_;
  Store store_;
  waiter_queue getters_, putters_;
  std::size_t unfinished_tasks_ = 0;
  event finished_;
  bool shutdown_ = false;
};

/// Queue's and LifoQueue's items: put at the back, taken from the front
/// (FIFO, a deque) or from the back (LIFO, a vector: a Python list).
template <class T, class Seq, bool Lifo>
struct sequence_store {
  Seq items;
  std::size_t size() const noexcept { return items.size(); }
  bool empty() const noexcept { return items.empty(); }
  void put(T v) { items.push_back(std::move(v)); }
  T get() {
    if constexpr (Lifo) {
      T v = std::move(items.back());
      items.pop_back();
      return v;
    } else {
      T v = std::move(items.front());
      items.pop_front();
      return v;
    }
  }
};
template <class T>
using fifo_store = sequence_store<T, std::deque<T>, false>;
template <class T>
using lifo_store = sequence_store<T, std::vector<T>, true>;

/// A min-heap with exactly heapq's sift algorithm, so items that compare
/// equal come out in the same order as from asyncio.PriorityQueue. Like
/// heapq's, it works on a list: appended to and popped from the back.
template <class T, class Less>
struct heap_store : lifo_store<T> {
  using lifo_store<T>::items;
  Less less;
  // heapq.heappush
  void put(T v) {
    lifo_store<T>::put(std::move(v));
    sift_down(0, items.size() - 1);
  }
  // heapq.heappop
  T get() {
    T last = lifo_store<T>::get();
    if (items.empty()) return last;
    T top = std::move(items[0]);
    items[0] = std::move(last);
    sift_up(0);
    return top;
  }
  // heapq._siftdown
  void sift_down(std::size_t start, std::size_t pos) {
    T item = std::move(items[pos]);
    while (pos > start) {
      std::size_t parent = (pos - 1) >> 1;
      if (less(item, items[parent])) {
        items[pos] = std::move(items[parent]);
        pos = parent;
        continue;
      }
      break;
    }
    items[pos] = std::move(item);
  }
  // heapq._siftup
  void sift_up(std::size_t pos) {
    std::size_t end = items.size(), start = pos;
    T item = std::move(items[pos]);
    std::size_t child = 2 * pos + 1;
    while (child < end) {
      std::size_t right = child + 1;
      if (right < end && !less(items[child], items[right])) child = right;
      items[pos] = std::move(items[child]);
      pos = child;
      child = 2 * pos + 1;
    }
    items[pos] = std::move(item);
    sift_down(start, pos);
  }
};

}  // namespace detail

/// asyncio.Queue: first in, first out.
template <class T>
class queue : public detail::basic_queue<T, detail::fifo_store<T>> {
 public:
  using detail::basic_queue<T, detail::fifo_store<T>>::basic_queue;
};

/// asyncio.LifoQueue: last in, first out.
template <class T>
class lifo_queue : public detail::basic_queue<T, detail::lifo_store<T>> {
 public:
  using detail::basic_queue<T, detail::lifo_store<T>>::basic_queue;
};

/// asyncio.PriorityQueue: smallest first (by Less), ties as heapq orders them.
template <class T, class Less = std::less<T>>
class priority_queue : public detail::basic_queue<T, detail::heap_store<T, Less>> {
 public:
  using detail::basic_queue<T, detail::heap_store<T, Less>>::basic_queue;
};

}  // namespace weft
