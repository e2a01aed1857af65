#pragma once
// Test support: an event log stamped with the loop's virtual time, a
// comparison against the output CPython 3.13 printed for the twin program in
// tests/reference/NAME.py (stored as NAME.out by tests/reference/record.py),
// and the coroutines several twins share (ticker, work, await_all).

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <weft/weft.hpp>

namespace weft_test {

/// The lines a program logged, each "MS TEXT" with MS the running loop's time
/// in milliseconds, as vloop.log prints them.
class event_log {
 public:
  /// Appends "MS TEXT" (MS from the running loop's clock).
  void operator()(std::string_view text);
  /// Appends a line stamped with `loop`'s time (usable outside a running loop).
  void at(weft::event_loop& loop, std::string_view text);
  const std::vector<std::string>& lines() const noexcept { return lines_; }

 private:
  std::vector<std::string> lines_;
};

/// Lines of tests/reference/NAME.out.
std::vector<std::string> reference_lines(const std::string& name);

/// Expects `got` to equal `want` (CPython's lines), printing both with the
/// differing lines marked if not; `what` names the output compared.
void expect_lines(std::string_view what, const std::vector<std::string>& want, const std::vector<std::string>& got);

/// Expects `log` to equal CPython's output for NAME.py, printing a diff if not.
void expect_reference(const std::string& name, const event_log& log);

/// An event loop on a virtual clock of its own (time starts at 0).
struct virtual_loop {
  weft::virtual_clock clock;
  weft::event_loop loop;
  explicit virtual_loop(weft::scheduler* sched = nullptr) : loop({.clock = &clock, .scheduler = sched}) {}
};

/// Runs `main` with weft::run on a virtual clock.
template <class T>
T run_virtual(weft::coro<T> main) {
  weft::virtual_clock clock;
  return weft::run(std::move(main), {.clock = &clock});
}

/// Runs a fresh Program's main_coro() on a virtual clock and expects its log
/// `ev` to equal CPython's output for NAME.py. Each run has its own log.
template <class Program>
void run_and_compare(const std::string& name) {
  Program program;
  run_virtual(program.main_coro());
  expect_reference(name, program.ev);
}

/// Logs "LABEL I" for I in [0, ticks), sleeping `step` after each: shows where
/// other tasks' steps fall between loop iterations.
weft::coro<void> ticker(event_log& ev, int ticks, weft::duration step = {}, std::string label = "tick");

/// The running task's name.
inline std::string task_name() { return weft::current_task().get_name(); }

/// The running task's cancelling() count, as text.
inline std::string cancelling() { return std::to_string(weft::current_task().cancelling()); }

/// Sleeps `delay`, logs "TASK finishes" (TASK: the running task's name) and
/// returns the delay in whole seconds: the combinator programs' worker.
weft::coro<int> work(event_log& ev, weft::duration delay);

/// Awaits each task in order, logging "NAME finished" or "NAME was cancelled"
/// with NAME = names[i].
weft::coro<void> await_all(event_log& ev, std::vector<weft::task<void>>& tasks, std::vector<std::string> names);

/// The same with NAME = PREFIX + i ("w0", "w1", ... by default).
weft::coro<void> await_all(event_log& ev, std::vector<weft::task<void>>& tasks, std::string prefix = "w");

/// A string for any exception: cancelled_error, std exceptions, or "unknown".
std::string exception_text(std::exception_ptr e);

}  // namespace weft_test
