#pragma once
/// loop.run_in_executor, asyncio.to_thread and asyncio.wrap_future: blocking
/// functions run on other threads, awaited as futures of the loop.

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "weft/concurrent_future.hpp"
#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/executor.hpp"
#include "weft/future.hpp"

namespace weft {

namespace detail {

/// What a job's thread hands back to the loop: written by the thread before
/// it posts the job's end, read by the loop after (the inbox's mutex orders them).
template <class R>
struct job_result {
  enum : int { pending, running, cancelled };
  std::atomic<int> state{pending};
  std::conditional_t<std::is_void_v<R>, std::monostate, std::optional<R>> value;
  std::exception_ptr error;
  /// The loop's side: cancels the job if it has not started.
  void cancel() noexcept {
    int p = pending;
    state.compare_exchange_strong(p, cancelled);
  }
};

/// The work an executor runs for a job: runs the function unless the job was
/// cancelled first, then tells the loop. Dropped unrun (an executor shut down
/// with cancel_futures), it tells the loop all the same.
template <class R, class F>
class job_runner {
 public:
  job_runner(std::shared_ptr<thread_inbox> inbox, std::uint64_t id, std::shared_ptr<job_result<R>> result, F fn)
      : inbox_(std::move(inbox)), id_(id), result_(std::move(result)), fn_(std::move(fn)) {}
  job_runner(job_runner&&) noexcept = default;
  job_runner& operator=(job_runner&&) = delete;
  ~job_runner() {
    if (!inbox_) return;
    result_->cancel();
    finish();
  }
  void operator()() {
    int p = job_result<R>::pending;
    if (result_->state.compare_exchange_strong(p, job_result<R>::running)) {
      thread_inbox::job_tag& tag = thread_inbox::current_job();
      const thread_inbox::job_tag outer = tag;
      tag = {inbox_.get(), id_};
      try {
        if constexpr (std::is_void_v<R>)
          std::invoke(fn_);
        else
          result_->value.emplace(std::invoke(fn_));
      } catch (...) {
        result_->error = std::current_exception();
      }
      tag = outer;
    }
    finish();
  }

 private:
  void finish() noexcept {
    thread_item item;
    item.what = thread_item::kind::done;
    item.job = id_;
    inbox_->post(std::move(item));  // refused by a closed loop: nobody waits
    inbox_.reset();
  }
  std::shared_ptr<thread_inbox> inbox_;
  std::uint64_t id_;
  std::shared_ptr<job_result<R>> result_;
  F fn_;
};

}  // namespace detail

template <class F>
auto event_loop::run_in_executor(executor* ex, F&& fn) {
  using Fn = std::decay_t<F>;
  using R = std::invoke_result_t<Fn&>;
  check_thread("run_in_executor");
  check_closed();
  if (!ex) ex = &default_executor();
  future<R> fut = create_future<R>();
  auto result = std::make_shared<detail::job_result<R>>();
  // On the loop, when the job ends: asyncio.futures._copy_future_state.
  const std::uint64_t id = begin_job(
      wrap([fut, result] {
        if (fut.done()) return;  // cancelled meanwhile
        if (result->state.load() == detail::job_result<R>::cancelled)
          fut.cancel();
        else if (result->error)
          fut.set_exception(result->error);
        else if constexpr (std::is_void_v<R>)
          fut.set_result();
        else
          fut.set_result(std::move(*result->value));
      }),
      true);
  // The future cancelled: the job, if not started, will not run.
  fut.add_done_callback([result](const any_future& f) {
    if (f.cancelled()) result->cancel();
  });
  try {
    ex->submit(detail::job_runner<R, Fn>(inbox_, id, result, std::forward<F>(fn)));
  } catch (...) {
    // Refused: the runner, dropped, has posted the job's end; the loop takes
    // it (and cancels fut) unless the caller's exception ends it first.
    fut.cancel();
    throw;
  }
  return fut;
}

/// asyncio.to_thread(func, *args): runs `f(args...)` on the running loop's
/// default executor and returns its result, or throws what it threw. The
/// arguments are copied (or moved) into the call.
template <class F, class... Args>
coro<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> to_thread(F f, Args... args) {
  // The future in its own statement: g++ 12 destroys temporaries made inside
  // a co_await operand twice (README, "Known compiler issue").
  auto result = get_running_loop().run_in_executor(
      nullptr, [f = std::move(f), ... args = std::move(args)]() mutable { return std::invoke(std::move(f), std::move(args)...); });
  co_return co_await std::move(result);
}

/// asyncio.wrap_future(future): a future of `loop` that gets `f`'s outcome
/// (cancelled if `f` is), and cancelling it cancels `f`. `f` may be completed
/// on any thread; until then the loop waits for it rather than report a
/// deadlock. Under the simulator its completion arrives when it arrives.
template <class T>
future<T> wrap_future(concurrent_future<T> f, event_loop& loop) {
  detail::loop_access::check_thread(loop, "wrap_future");
  future<T> out = loop.create_future<T>();
  const std::uint64_t id = detail::loop_access::begin_job(
      loop,
      [out, f] {
        if (out.done()) return;
        if (f.cancelled()) {
          out.cancel();
        } else if (std::exception_ptr e = f.exception()) {
          out.set_exception(e);
        } else if constexpr (std::is_void_v<T>) {
          out.set_result();
        } else {
          out.set_result(f.result());
        }
      },
      false);
  out.add_done_callback([f](const any_future& o) {
    if (o.cancelled()) f.cancel();
  });
  f.add_done_callback([inbox = detail::loop_access::inbox(loop), id](const concurrent_future<T>&) {
    detail::thread_item item;
    item.what = detail::thread_item::kind::done;
    item.job = id;
    inbox->post(std::move(item));
  });
  return out;
}
/// wrap_future on the running loop.
template <class T>
future<T> wrap_future(concurrent_future<T> f) {
  return wrap_future(std::move(f), get_running_loop());
}

/// A std::future (or anything whose get() blocks for a result) as a future of
/// the running loop: get() runs on the default executor.
template <class Fut>
  requires requires(Fut& f) { f.get(); }
auto wrap_future(Fut f) {
  return get_running_loop().run_in_executor(nullptr, [f = std::move(f)]() mutable { return f.get(); });
}

}  // namespace weft
