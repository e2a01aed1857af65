#pragma once
/// weft::sleep: asyncio.sleep.

#include <utility>
#include <variant>

#include "weft/event_loop.hpp"
#include "weft/future.hpp"
#include "weft/task.hpp"

namespace weft {

namespace detail {

template <class T>
class sleep_awaiter {
 public:
  using weft_awaitable_tag = void;
  template <class... A>
  explicit sleep_awaiter(duration d, A&&... result) : d_(d), result_(std::forward<A>(result)...) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    t_ = require_current_task();
    if (d_ <= duration::zero()) return t_->suspended_on(nullptr, h);  // a bare yield
    event_loop& loop = t_->loop();
    fut_ = ref_ptr<future_base>(new future_state<void>(loop));
    // futures._set_result_unless_cancelled(future, result)
    timer_ = loop.call_later(d_, [f = fut_] {
      if (!f->cancelled()) f->finish_with_result();
    });
    suspend_on(fut_.get(), h);
  }
  T await_resume() {
    if (std::exception_ptr e = finish()) std::rethrow_exception(e);
    if constexpr (!std::is_void_v<T>) return std::move(result_);
  }
  /// As await_resume, but returns the exception the task was resumed with (a
  /// cancellation) instead of throwing it; null if none. See caught_resume.
  std::exception_ptr await_resume_caught()
    requires std::is_void_v<T>
  {
    return finish();
  }
  /// `auto s = weft::sleep(d); co_await s.caught();`: sleeps, then returns
  /// the exception the sleep would have thrown (a cancellation) instead of
  /// throwing it; null if none. The awaiter refers to `s`, which must outlive
  /// the co_await.
  caught_resume<sleep_awaiter> caught()
    requires std::is_void_v<T>
  {
    return {*this};
  }

 private:
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

}  // namespace detail

/// asyncio.sleep(delay): suspends the current task for `delay`. A delay <= 0
/// yields to the loop for exactly one iteration (a bare yield, no timer).
inline detail::sleep_awaiter<void> sleep(duration delay) { return detail::sleep_awaiter<void>(delay); }

/// asyncio.sleep(delay, result): as sleep(delay), then returns `result`.
template <class T>
detail::sleep_awaiter<std::decay_t<T>> sleep(duration delay, T&& result) {
  return detail::sleep_awaiter<std::decay_t<T>>(delay, std::forward<T>(result));
}

}  // namespace weft
