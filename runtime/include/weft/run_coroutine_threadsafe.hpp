#pragma once
/// asyncio.run_coroutine_threadsafe: hand a coroutine to a loop running in
/// another thread and get a concurrent_future of its result.

#include <memory>
#include <stdexcept>
#include <utility>

#include "weft/concurrent_future.hpp"
#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/task.hpp"

namespace weft {

namespace detail {

/// Cancels a concurrent_future unless disarmed: what a callback holds so that
/// its future is not left pending forever if the loop drops it unrun.
template <class T>
class settle_guard {
 public:
  explicit settle_guard(concurrent_future<T> f) : f_(std::move(f)) {}
  settle_guard(settle_guard&& o) noexcept : f_(std::move(o.f_)), armed_(std::exchange(o.armed_, false)) {}
  settle_guard& operator=(settle_guard&&) = delete;
  ~settle_guard() {
    if (armed_) f_.cancel();
  }
  const concurrent_future<T>& future() const noexcept { return f_; }
  void disarm() noexcept { armed_ = false; }

 private:
  concurrent_future<T> f_;
  bool armed_ = true;
};

/// asyncio.futures._chain_future(task, concurrent), on the task's loop.
template <class T>
void chain_to_concurrent(task<T> t, settle_guard<T> guard, event_loop& loop) {
  concurrent_future<T> f = guard.future();
  // The concurrent future cancelled (from any thread): cancel the task on its
  // loop. Only the loop's thread touches the task; others hold a weak_ptr.
  auto holder = std::make_shared<task<T>>(t);
  f.add_done_callback([inbox = loop_access::inbox(loop), weak = std::weak_ptr<task<T>>(holder)](
                          const concurrent_future<T>& cf) {
    if (!cf.cancelled()) return;
    thread_item item;
    item.fn.emplace([weak](future_base*) {
      if (auto t = weak.lock()) t->cancel();
    });
    item.job = inbox->job_of_this_thread();
    inbox->post(std::move(item));
  });
  // The task done: copy its outcome (asyncio's _set_concurrent_future_state).
  t.add_done_callback([holder, g = std::move(guard)](const any_future&) mutable {
    g.disarm();
    const concurrent_future<T>& cf = g.future();
    task<T>& done = *holder;
    if (done.cancelled()) cf.cancel();
    if (!cf.set_running_or_notify_cancel()) return;
    if (std::exception_ptr e = done.exception())
      cf.set_exception(e);
    else if constexpr (std::is_void_v<T>)
      cf.set_result();
    else
      cf.set_result(done.result());
  });
}

}  // namespace detail

/// asyncio.run_coroutine_threadsafe(coro, loop): from any thread, schedules
/// `c` as a task of `loop` and returns a concurrent_future of its outcome.
/// Cancelling that future cancels the task. If the loop closes before the
/// task ends, the future is cancelled. Throws std::invalid_argument for an
/// empty coroutine, std::runtime_error if the loop is closed.
template <class T>
concurrent_future<T> run_coroutine_threadsafe(coro<T> c, event_loop& loop) {
  if (!c) throw std::invalid_argument("A coroutine object is required");
  concurrent_future<T> f;
  loop.call_soon_threadsafe([&loop, c = std::move(c), g = detail::settle_guard<T>(f)]() mutable {
    try {
      task<T> t = loop.create_task(std::move(c));
      detail::chain_to_concurrent(std::move(t), std::move(g), loop);
    } catch (...) {
      g.disarm();
      if (g.future().set_running_or_notify_cancel()) g.future().set_exception(std::current_exception());
      throw;
    }
  });
  return f;
}

}  // namespace weft
