#include "weft/timeout.hpp"
#include "weft/detail/planted.hpp"

#include <stdexcept>

namespace weft {

timeout_scope timeout(std::optional<duration> delay) {
  event_loop& loop = get_running_loop();
  return timeout_scope(delay ? std::optional<time_point>(loop.time() + *delay) : std::nullopt);
}

void timeout_scope::reschedule(std::optional<time_point> when) {
  if (state_ != state::entered) {
    if (state_ == state::created) throw std::runtime_error("Timeout has not been entered");
    const char* name = state_ == state::expiring ? "expiring" : state_ == state::expired ? "expired" : "finished";
    throw std::runtime_error(std::string("Cannot change state of ") + name + " Timeout");
  }
  when_ = when;
  handle_.cancel();
  handle_ = handle();
  if (!when) return;
  event_loop& loop = get_running_loop();
  const time_point at = WEFT_PLANTED(timeout_one_tick_late) ? *when + std::chrono::seconds(1) : *when;
  if (at <= loop.time())
    handle_ = loop.call_soon([this] { on_timeout(); });
  else
    handle_ = loop.call_at(at, [this] { on_timeout(); });
}

void timeout_scope::enter() {
  if (state_ != state::created) throw std::runtime_error("Timeout has already been entered");
  any_task task = current_task();
  if (!task) throw std::runtime_error("Timeout should be used inside a task");
  state_ = state::entered;
  task_ = task;
  cancelling_ = task.cancelling();
  reschedule(when_);
}

std::exception_ptr timeout_scope::exit(std::exception_ptr exc) {
  handle_.cancel();
  handle_ = handle();
  if (state_ == state::expiring) {
    state_ = state::expired;
    // uncancel() runs whether or not the body raised.
    if (task_.uncancel() <= cancelling_ && exc && is_cancelled_error(exc))
      return std::make_exception_ptr(timeout_error());
  } else if (state_ == state::entered) {
    state_ = state::exited;
  }
  return exc;
}

void timeout_scope::on_timeout() {
  task_.cancel();
  state_ = state::expiring;
  handle_ = handle();
}

}  // namespace weft

#include "weft/wait_for.hpp"

namespace weft::detail {

coro<void> cancel_and_wait(ref_ptr<future_base> fut) {
  future<void> waiter(fut->loop());
  std::uint64_t cb = fut->add_done_callback([waiter](future_base*) {
    if (!waiter.done()) waiter.set_result();  // _release_waiter
  });
  std::exception_ptr failure;
  try {
    fut->cancel(std::nullopt);
    co_await waiter;
  } catch (...) {
    failure = std::current_exception();
  }
  fut->remove_done_callback(cb);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace weft::detail
