#pragma once
/// weft::timeout / timeout_at and the timeout_scope they make: asyncio.timeout,
/// asyncio.timeout_at and asyncio.Timeout.

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "weft/clock.hpp"
#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/task.hpp"
#include "weft/detail/awaitables.hpp"

namespace weft {

class timeout_scope;

namespace detail {
template <class F>
using scope_body_result = body_result<F, timeout_scope>;
}  // namespace detail

/// asyncio.Timeout: cancels the task running its body once the deadline
/// passes, and turns that cancellation into timeout_error when the body ends.
/// Enter it once, with run(). Neither copyable nor movable (its timer refers to it).
class timeout_scope {
 public:
  /// Timeout(when): a deadline on the loop's clock; none never expires.
  explicit timeout_scope(std::optional<time_point> when) noexcept : when_(when) {}
  timeout_scope(const timeout_scope&) = delete;
  timeout_scope& operator=(const timeout_scope&) = delete;
  ~timeout_scope() { handle_.cancel(); }

  /// Timeout.when(): the current deadline.
  std::optional<time_point> when() const noexcept { return when_; }
  /// Timeout.reschedule(when): moves the deadline (none: never). Throws
  /// std::runtime_error unless the timeout is entered and not expiring.
  void reschedule(std::optional<time_point> when);
  /// Timeout.expired(): did the deadline pass while the body ran?
  bool expired() const noexcept { return state_ == state::expiring || state_ == state::expired; }

  /// `async with self: return await body()`. `body` is a callable returning a
  /// weft awaitable (usually a coro), called with this scope if it accepts one.
  /// Throws std::runtime_error if the scope was entered before.
  template <class F>
  coro<typename detail::scope_body_result<F>::type> run(F body) {
    return detail::run_in_scope(*this, std::move(body));
  }

  /// Timeout.__aenter__ (run() calls it).
  void enter();
  /// Timeout.__aexit__ with the body's exception (null if none): returns the
  /// exception to propagate, timeout_error in place of the cancellation it caused.
  std::exception_ptr exit(std::exception_ptr exc);

 private:
  enum class state { created, entered, expiring, expired, exited };
  void on_timeout();

  state state_ = state::created;
  std::optional<time_point> when_;
  handle handle_;
  any_task task_;
  int cancelling_ = 0;
};

/// asyncio.timeout(delay): a scope expiring `delay` from now (none: never).
/// Needs a running loop.
timeout_scope timeout(std::optional<duration> delay);
/// asyncio.timeout_at(when): a scope expiring at loop time `when` (none: never).
inline timeout_scope timeout_at(std::optional<time_point> when) { return timeout_scope(when); }

/// `async with asyncio.timeout(delay): return await body()`: runs body()
/// (or body(scope)) and throws timeout_error if the delay passes first.
template <class F>
coro<typename detail::scope_body_result<F>::type> timeout(std::optional<duration> delay, F body) {
  timeout_scope scope = timeout(delay);
  co_return co_await scope.run(std::move(body));
}

/// `async with asyncio.timeout_at(when): return await body()`.
template <class F>
coro<typename detail::scope_body_result<F>::type> timeout_at(std::optional<time_point> when, F body) {
  timeout_scope scope(when);
  co_return co_await scope.run(std::move(body));
}

}  // namespace weft
