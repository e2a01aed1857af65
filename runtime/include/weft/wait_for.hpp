#pragma once
/// weft::wait_for: asyncio.wait_for (3.13).

#include <optional>

#include "weft/clock.hpp"
#include "weft/coro.hpp"
#include "weft/detail/awaitables.hpp"
#include "weft/future.hpp"
#include "weft/timeout.hpp"

namespace weft {

namespace detail {
/// tasks._cancel_and_wait: cancel `fut` and wait until it is done, without
/// awaiting it directly (so that this wait itself stays cancellable).
coro<void> cancel_and_wait(ref_ptr<future_base> fut);
}  // namespace detail

/// Awaits `aw`; if it is not done within `timeout`, cancels it, waits for the
/// cancellation to finish, and throws timeout_error. No timeout waits forever.
/// Mirrors asyncio.wait_for (3.13): a coroutine runs inside the caller's task
/// (no new task) unless timeout <= 0, where it is wrapped in a task that is
/// cancelled at once if it does not finish eagerly.
template <class A>
  requires(detail::is_future_like<A>::value || weft_awaitable<A>)
coro<detail::arg_result_t<A>> wait_for(A aw, std::optional<duration> timeout) {
  using T = detail::arg_result_t<A>;
  if (timeout && *timeout <= duration::zero()) {
    detail::ref_ptr<detail::future_base> fut = detail::ensure_future(std::move(aw));
    if (!fut->done()) {
      co_await detail::cancel_and_wait(fut);
      if (fut->cancelled()) {
        (void)fut->make_cancelled_error();  // `raise TimeoutError from exc` consumed it
        throw timeout_error();
      }
    }
    fut->raise_unless_result();
    if constexpr (!std::is_void_v<T>) co_return detail::take_value<T>(fut.get());
    else co_return;
  }
  // `async with timeouts.timeout(timeout): return await fut`. A future's value
  // is copied out (moved if it cannot be copied), as gather does.
  co_return co_await weft::timeout(timeout, [&aw]() -> decltype(auto) {
    if constexpr (detail::is_future_like<A>::value && std::is_copy_constructible_v<detail::element_t<T>>)
      return static_cast<A&>(aw);
    else
      return std::move(aw);
  });
}

}  // namespace weft
