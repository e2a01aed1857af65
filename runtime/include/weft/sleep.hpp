#pragma once
/// weft::sleep: asyncio.sleep.

#include <utility>
#include <variant>

#include "weft/event_loop.hpp"
#include "weft/future.hpp"
#include "weft/task.hpp"

namespace weft {

namespace detail {

/// The awaiter of a sleep: made in place by sleep_call's operator co_await.
/// With Caught, await_resume returns the exception the sleep would have
/// thrown (a cancellation) instead of throwing it, null if none.
template <class T, bool Caught = false>
class sleep_awaiter {
 public:
  template <class... A>
  explicit sleep_awaiter(duration d, A&&... result) : d_(d), result_(std::forward<A>(result)...) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    t_ = current_task_or_throw();
    if (d_ <= duration::zero()) return t_->suspended_on(nullptr, h);  // a bare yield
    suspend_on_timer(h);
  }
  auto await_resume() {
    if constexpr (Caught) {
      return finish();
    } else {
      if (std::exception_ptr e = finish()) std::rethrow_exception(e);
      if constexpr (!std::is_void_v<T>) return std::move(result_);
    }
  }

 private:
  // Out of line: the bare yield stays small enough to inline into the caller.
  [[gnu::noinline]] void suspend_on_timer(std::coroutine_handle<> h) {
    event_loop& loop = t_->loop();
    fut_ = ref_ptr<future_base>(new future_state<void>(loop));
    // futures._set_result_unless_cancelled(future, result)
    timer_ = loop.call_later(d_, [f = fut_] {
      if (!f->cancelled()) f->finish_with_result();
    });
    t_->suspended_on(fut_.get(), h);
  }

  /// sleep's `finally: h.cancel()`, then the exception to raise, if any.
  std::exception_ptr finish() {
    timer_.cancel();
    if (t_->has_thrown()) return t_->take_thrown();
    if (fut_) fut_->raise_unless_result();
    return nullptr;
  }

  duration d_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<T>, std::monostate, T> result_;
  task_base* t_ = nullptr;
  ref_ptr<future_base> fut_;
  timer_handle timer_;
};

/// What weft::sleep returns: the delay and result, awaited through operator
/// co_await, which makes the awaiter in place (g++ 12 moves an awaiter given
/// as the co_await operand into the frame, and destroys both).
template <class T, bool Caught = false>
class sleep_call {
 public:
  using weft_awaitable_tag = void;
  template <class... A>
  explicit sleep_call(duration d, A&&... result) : d_(d), result_(std::forward<A>(result)...) {}

  sleep_awaiter<T, Caught> operator co_await() && { return sleep_awaiter<T, Caught>(d_, std::move(result_)); }
  sleep_awaiter<T, Caught> operator co_await() const& { return sleep_awaiter<T, Caught>(d_, result_); }

  /// `co_await weft::sleep(d).caught()`: sleeps, then returns the exception
  /// the sleep would have thrown (a cancellation) instead of throwing it;
  /// null if none.
  sleep_call<void, true> caught() const
    requires(std::is_void_v<T> && !Caught)
  {
    return sleep_call<void, true>(d_);
  }

 private:
  duration d_;
  [[no_unique_address]] std::conditional_t<std::is_void_v<T>, std::monostate, T> result_;
};

}  // namespace detail

/// asyncio.sleep(delay): suspends the current task for `delay`. A delay <= 0
/// yields to the loop for exactly one iteration (a bare yield, no timer).
inline detail::sleep_call<void> sleep(duration delay) { return detail::sleep_call<void>(delay); }

/// asyncio.sleep(delay, result): as sleep(delay), then returns `result`.
template <class T>
detail::sleep_call<std::decay_t<T>> sleep(duration delay, T&& result) {
  return detail::sleep_call<std::decay_t<T>>(delay, std::forward<T>(result));
}

}  // namespace weft
