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
#include "weft/event.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"

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
      future<void> putter(get_loop("Queue"));
      putters_.push_back(putter);
      std::exception_ptr failure;
      try {
        co_await putter;
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        putter.cancel();  // just in case it is not done yet
        erase(putters_, putter);
        if (!full() && !putter.cancelled()) wakeup_next(putters_);
        std::rethrow_exception(failure);
      }
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
      future<void> getter(get_loop("Queue"));
      getters_.push_back(getter);
      std::exception_ptr failure;
      try {
        co_await getter;
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        getter.cancel();
        erase(getters_, getter);
        if (!empty() && !getter.cancelled()) wakeup_next(getters_);
        std::rethrow_exception(failure);
      }
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
    if (unfinished_tasks_ > 0) co_await finished_.wait();
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
  static void erase(std::deque<future<void>>& waiters, const future<void>& f) {
    for (auto it = waiters.begin(); it != waiters.end(); ++it)
      if (*it == f) {
        waiters.erase(it);
        return;
      }
  }
  static void wakeup_next(std::deque<future<void>>& waiters) {
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
  std::deque<future<void>> getters_, putters_;
  std::size_t unfinished_tasks_ = 0;
  event finished_;
  bool shutdown_ = false;
};

template <class T>
struct fifo_store {
  std::deque<T> items;
  std::size_t size() const noexcept { return items.size(); }
  bool empty() const noexcept { return items.empty(); }
  void put(T v) { items.push_back(std::move(v)); }
  T get() {
    T v = std::move(items.front());
    items.pop_front();
    return v;
  }
};

template <class T>
struct lifo_store {
  std::vector<T> items;
  std::size_t size() const noexcept { return items.size(); }
  bool empty() const noexcept { return items.empty(); }
  void put(T v) { items.push_back(std::move(v)); }
  T get() {
    T v = std::move(items.back());
    items.pop_back();
    return v;
  }
};

/// A min-heap with exactly heapq's sift algorithm, so items that compare
/// equal come out in the same order as from asyncio.PriorityQueue.
template <class T, class Less>
struct heap_store {
  std::vector<T> items;
  Less less;
  std::size_t size() const noexcept { return items.size(); }
  bool empty() const noexcept { return items.empty(); }
  void put(T v) {
    items.push_back(std::move(v));
    sift_down(0, items.size() - 1);
  }
  T get() {
    T last = std::move(items.back());
    items.pop_back();
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
