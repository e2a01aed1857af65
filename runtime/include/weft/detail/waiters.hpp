#pragma once
/// The waiting side of asyncio's locks and queues: a FIFO of futures, one a
/// waiting task, and what awaiting one of them cleans up.

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "weft/detail/loop_bound.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"

namespace weft::detail {

/// asyncio's `_waiters` (a queue's `_getters`, `_putters`): oldest first.
/// A std::deque made when a task first waits: libstdc++'s deque allocates
/// 576 bytes as it is constructed, which a primitive nobody waits on need
/// not pay (a vector would, for many waiters, hold up to twice their slots).
class waiter_queue {
  using deque = std::deque<future<void>>;

 public:
  using iterator = deque::iterator;
  using const_iterator = deque::const_iterator;
  bool empty() const noexcept { return !d_ || d_->empty(); }
  std::size_t size() const noexcept { return d_ ? d_->size() : 0; }
  // Value-initialised iterators compare equal: an empty range without a deque.
  iterator begin() noexcept { return d_ ? d_->begin() : iterator(); }
  iterator end() noexcept { return d_ ? d_->end() : iterator(); }
  const_iterator begin() const noexcept { return d_ ? d_->cbegin() : const_iterator(); }
  const_iterator end() const noexcept { return d_ ? d_->cend() : const_iterator(); }
  future<void>& front() noexcept { return d_->front(); }
  future<void>& back() noexcept { return d_->back(); }
  void push_back(future<void> f) {
    if (!d_) d_.emplace();
    d_->push_back(std::move(f));
  }
  void pop_front() noexcept { d_->pop_front(); }
  void erase(iterator it) noexcept { d_->erase(it); }

 private:
  std::optional<deque> d_;
};

/// `waiters.remove(fut)`, or nothing if it is gone already.
inline void remove_waiter(waiter_queue& waiters, const future<void>& fut) {
  if (waiters.empty()) return;
  if (waiters.front() == fut) return waiters.pop_front();  // the commonest: the head, woken
  auto it = std::find(waiters.begin(), waiters.end(), fut);
  if (it != waiters.end()) waiters.erase(it);
}

/// Appends `fut` to `waiters` and awaits it. An awaitable, not a coroutine:
/// no frame of its own, and an exception (a cancellation) passes through
/// without being caught and thrown again. Subclasses add the cleanup.
class waiter_awaiter {
 public:
  using weft_awaitable_tag = void;
  bool await_ready() const noexcept { return inner_.await_ready(); }
  void await_suspend(std::coroutine_handle<> h) { inner_.await_suspend(h); }

 protected:
  waiter_awaiter(waiter_queue& waiters, future<void> fut)
      : waiters_(waiters), fut_(std::move(fut)), inner_{fut_.state()} {
    waiters_.push_back(fut_);
  }
  waiter_queue& waiters_;
  future<void> fut_;
  future_awaiter<void, void> inner_;
};

/// Nothing to do.
struct no_hook {
  void operator()(const future<void>&) const noexcept {}
};

/// locks.py's `waiters.append(fut); try: await fut finally:
/// waiters.remove(fut)`, then `except CancelledError: on_cancelled(fut); raise`
/// (after the removal, as there).
template <class OnCancelled = no_hook>
class await_waiter : public waiter_awaiter {
 public:
  await_waiter(waiter_queue& waiters, future<void> fut, OnCancelled on_cancelled = {})
      : waiter_awaiter(waiters, std::move(fut)), on_cancelled_(std::move(on_cancelled)) {}
  void await_resume() {
    if (std::exception_ptr e = await_resume_caught()) std::rethrow_exception(std::move(e));
  }
  /// As await_resume, but returns the exception instead of throwing it.
  std::exception_ptr await_resume_caught() {
    std::exception_ptr e = inner_.await_resume_caught();
    remove_waiter(waiters_, fut_);
    if (e && is_cancelled_error(e)) on_cancelled_(fut_);
    return e;
  }
  /// `co_await w.caught()`: the exception as a value (null once woken up).
  caught_resume<await_waiter> caught() { return {*this}; }

 private:
  OnCancelled on_cancelled_;
};

/// queues.py's `waiters.append(fut); try: await fut except: fut.cancel();
/// waiters.remove(fut); on_error(fut); raise`. On success the waker has
/// popped the future already.
template <class OnError>
class await_queue_waiter : public waiter_awaiter {
 public:
  await_queue_waiter(waiter_queue& waiters, future<void> fut, OnError on_error)
      : waiter_awaiter(waiters, std::move(fut)), on_error_(std::move(on_error)) {}
  void await_suspend(std::coroutine_handle<> h) {
    try {
      inner_.await_suspend(h);
    } catch (...) {
      give_up();
      throw;
    }
  }
  void await_resume() {
    if (std::exception_ptr e = await_resume_caught()) std::rethrow_exception(std::move(e));
  }
  /// As await_resume, but returns the exception instead of throwing it.
  std::exception_ptr await_resume_caught() {
    std::exception_ptr e = inner_.await_resume_caught();
    if (e) give_up();
    return e;
  }
  /// `co_await w.caught()`: the exception as a value (null once woken up).
  caught_resume<await_queue_waiter> caught() { return {*this}; }

 private:
  void give_up() {
    fut_.cancel();  // just in case it is not done yet
    // A get_nowait(), put_nowait() or shutdown() may have removed it already.
    remove_waiter(waiters_, fut_);
    on_error_(fut_);
  }
  OnError on_error_;
};

/// What each of locks.py's primitives is made of: the loop it binds to when a
/// task first waits (_LoopBoundMixin) and its `_waiters`. Neither copyable nor
/// movable: waiting tasks refer to the primitive.
class waitable : protected loop_bound {
 protected:
  waitable() = default;
  waitable(const waitable&) = delete;
  waitable& operator=(const waitable&) = delete;
  ~waitable() = default;

  /// `fut = self._get_loop().create_future()`, then awaits it as await_waiter
  /// does (`what` names the primitive if the loop is the wrong one).
  template <class OnCancelled = no_hook>
  await_waiter<OnCancelled> wait_in_line(const char* what, OnCancelled on_cancelled = {}) {
    return {waiters_, future<void>(get_loop(what)), std::move(on_cancelled)};
  }

  waiter_queue waiters_;
};

}  // namespace weft::detail
