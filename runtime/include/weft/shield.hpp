#pragma once
/// weft::shield: asyncio.shield.

#include "weft/detail/awaitables.hpp"
#include "weft/detail/planted.hpp"
#include "weft/future.hpp"

namespace weft {

/// asyncio.shield(aw): a future that follows `aw` (a coroutine is wrapped in a
/// task) but whose cancellation does not cancel `aw`. If `aw` is already done,
/// returns it as is. Cancelling `aw` by other means still cancels the shield.
template <detail::gatherable A>
future<detail::arg_result_t<A>> shield(A&& aw) {
  using T = detail::arg_result_t<A>;
  detail::ref_ptr<detail::future_base> inner = detail::ensure_future(std::forward<A>(aw));
  if (inner->done()) return future<T>(inner);
  future<T> outer(inner->loop());
  auto inner_cb = std::make_shared<std::uint64_t>(0);
  *inner_cb = inner->add_done_callback([outer](detail::future_base* in) {
    // _inner_done_callback
    if (outer.cancelled()) {
      if (!in->cancelled()) (void)in->exception();
      return;
    }
    if (in->cancelled()) {
      outer.cancel();
    } else if (std::exception_ptr exc = in->exception()) {
      outer.set_exception(exc);
    } else if constexpr (std::is_void_v<T>) {
      outer.set_result();
    } else {
      outer.set_result(detail::take_value<T>(in));
    }
  });
  outer.state()->add_done_callback([inner, inner_cb](detail::future_base* out) {
    // _outer_done_callback
    if (!inner->done()) inner->remove_done_callback(*inner_cb);
    if (WEFT_PLANTED(shield_forwards_cancel) && out->cancelled()) inner->cancel(std::nullopt);
  });
  return outer;
}

}  // namespace weft
