#pragma once
/// weft::run: asyncio.run.

#include <utility>

#include "weft/event_loop.hpp"
#include "weft/task.hpp"

namespace weft {

/// Keyword arguments of run: the loop's clock and scheduler (both borrowed).
struct run_options {
  /// Null: real time (steady_clock). Pass a virtual_clock for simulated time.
  weft::clock* clock = nullptr;
  /// Null: FIFO, asyncio's order.
  weft::scheduler* scheduler = nullptr;
};

namespace detail {
/// asyncio.runners._cancel_all_tasks, then the two shutdown coroutines Runner.close
/// awaits (each one run_until_complete), then close.
void shutdown_run_loop(event_loop& loop);
void check_no_running_loop();
}  // namespace detail

/// asyncio.run(main): runs `main` on a new event loop, then cancels the tasks
/// still pending (awaiting their ends), and closes the loop. Returns main's
/// result or rethrows its exception. Throws std::runtime_error if a loop is
/// already running in this thread.
template <class T>
T run(coro<T> main, run_options opts = {}) {
  detail::check_no_running_loop();
  if (!main) throw std::invalid_argument("a coroutine was expected, got an empty coroutine object");
  event_loop loop(loop_options{.clock = opts.clock, .scheduler = opts.scheduler});
  auto t = loop.create_task(std::move(main));
  try {
    detail::run_until_done(loop, t.state());
  } catch (...) {
    detail::shutdown_run_loop(loop);
    throw;
  }
  detail::shutdown_run_loop(loop);
  return std::move(t).result();
}

}  // namespace weft
