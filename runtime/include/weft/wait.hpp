#pragma once
/// weft::wait: asyncio.wait.

#include <algorithm>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <vector>

#include "weft/clock.hpp"
#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/future.hpp"
#include "weft/detail/planted.hpp"

namespace weft {

/// When wait() returns. Mirrors asyncio.FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED.
enum class return_when { first_completed, first_exception, all_completed };

/// Keyword arguments of wait().
struct wait_options {
  /// Give up after this long (the futures keep running); none waits as long as needed.
  std::optional<duration> timeout = std::nullopt;
  return_when when = return_when::all_completed;
};

/// What wait() returns: asyncio's (done, pending) pair of sets, as vectors in
/// the order the futures were given (repeats removed).
template <class F>
struct wait_result {
  std::vector<F> done;
  std::vector<F> pending;
};

/// asyncio.wait(fs, timeout=..., return_when=...): waits until the condition
/// holds or the timeout passes, and splits `fs` into done and pending. Never
/// raises TimeoutError; cancels nothing. Takes tasks or futures only (asyncio
/// forbids coroutines here). Throws std::invalid_argument if `fs` is empty.
template <std::ranges::input_range Range>
  requires std::is_base_of_v<any_future, std::ranges::range_value_t<Range>>
coro<wait_result<std::ranges::range_value_t<Range>>> wait(Range&& fs, wait_options opts = {}) {
  using F = std::ranges::range_value_t<Range>;
  std::vector<F> unique;
  for (auto&& f : fs)
    if (std::find(unique.begin(), unique.end(), f) == unique.end()) unique.push_back(f);
  if (unique.empty()) throw std::invalid_argument("Set of Tasks/Futures is empty.");
  event_loop& loop = get_running_loop();
  // tasks._wait
  future<void> waiter(loop);
  timer_handle timeout_handle;
  if (opts.timeout)
    timeout_handle = loop.call_later(*opts.timeout, [waiter] {
      if (!waiter.done()) waiter.set_result();  // _release_waiter
    });
  auto counter = std::make_shared<std::size_t>(unique.size());
  std::vector<std::uint64_t> ids;
  for (auto& f : unique)
    ids.push_back(f.state()->add_done_callback([waiter, counter, timeout_handle, when = opts.when](detail::future_base* done) mutable {
      // _on_completion
      --*counter;
      if (*counter == 0 || when == return_when::first_completed ||
          (when == return_when::first_exception && !done->cancelled() && done->exception())) {
        timeout_handle.cancel();
        if (!waiter.done()) waiter.set_result();
      }
    }));
  // Planted bug: FIRST_COMPLETED returns at once.
  if (WEFT_PLANTED(wait_first_completed_empty) && opts.when == return_when::first_completed && !waiter.done())
    waiter.set_result();
  std::exception_ptr failure;
  try {
    co_await waiter;
  } catch (...) {
    failure = std::current_exception();
  }
  timeout_handle.cancel();
  for (std::size_t i = 0; i < unique.size(); ++i) unique[i].state()->remove_done_callback(ids[i]);
  if (failure) std::rethrow_exception(failure);
  wait_result<F> out;
  for (auto& f : unique) (f.done() ? out.done : out.pending).push_back(f);
  co_return out;
}

}  // namespace weft
