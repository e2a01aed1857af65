#pragma once
/// Runs a scenario on weft's real runtime (create_task, sleep, cancel, ...)
/// under a virtual clock and produces its canonical trace
/// (docs/scenario-format.md, "The run" and "The trace"). The interpreter
/// only maps statements onto the public API: every asyncio behaviour a trace
/// shows comes from the runtime itself.

#include <functional>
#include <string>
#include <vector>

#include <chrono>

#include "weft/clock.hpp"
#include "weft/heap.hpp"
#include "weft/scheduler.hpp"
#include "weft/scenario/program.hpp"

namespace weft::scenario {

/// The runtime duration of one scenario tick. Any unit works on the virtual
/// clock; a microsecond lets the clock reach 9.2e12 ticks before weft's
/// 64-bit nanoseconds overflow (CPython's float clock has no such limit, so a
/// run that would pass it is reported as bad input).
inline constexpr weft::duration tick = std::chrono::microseconds(1);

/// How deep coroutine bodies may nest on the stack (inline awaits, eager
/// spawns): past it a run ends as "= step limit", as a RecursionError ends it
/// in CPython. Kept well below what a g++ -O0 or AddressSanitizer build's 8 MiB
/// stack holds while an exception unwinds through every level.
inline constexpr int max_call_depth = 250;

/// How to run a scenario.
struct run_options {
  /// The ready-queue policy; null is FIFO (what the conformance goldens pin).
  weft::scheduler* scheduler = nullptr;
  /// Executed statements before the run ends with "= step limit".
  std::uint64_t max_steps = limits{}.max_steps;
  /// Bytes of trace before the run is stopped as bad input (a program that
  /// logs gigabytes).
  std::size_t max_trace_bytes = std::size_t{64} << 20;
  /// Coroutine bodies alive at once (every task's, and the calls they await
  /// inline) before the run is stopped: a program that spawns or gathers
  /// copies of itself.
  std::size_t max_live_calls = 100000;
  /// Bytes of strings `add` may build in a run: strings are shared, so this
  /// bounds the memory they take.
  std::size_t max_text_bytes = std::size_t{64} << 20;
  /// The process's heap in use (glibc's count, read every 1024 statements)
  /// before the run is stopped (weft::default_heap_limit()).
  std::size_t max_memory = weft::default_heap_limit();
  /// Shown each trace line as it is appended, while the run goes on (a
  /// timeline places a line in the step that logged it); may be empty.
  std::function<void(const std::string& line)> on_line = nullptr;
};

/// How a run ended.
enum class ending { completed, deadlock, assertion_failed, step_limit };

/// One run of a scenario: its trace, one string per line without newlines,
/// and how it ended.
struct execution {
  std::vector<std::string> trace;
  ending end = ending::completed;
  std::uint64_t steps = 0;  // statements executed
  /// On a completed run whose main raised: the exception as the trace shows
  /// it ("Boom(x)" of "= main raised Boom(x)"); empty otherwise (a main that
  /// ended with CancelledError ended cancelled, not raised).
  std::string main_raised;
  /// On ending::assertion_failed: what failed ("count == 2 (was 1)" of
  /// "= assertion failed: count == 2 (was 1)").
  std::string assertion;
  /// On a deadlock: each pending task and the statement it waits at
  /// ("main at /coros/main/3"), in creation order.
  std::vector<std::string> pending;
  /// On a completed run: the tasks that ended with an exception nobody
  /// retrieved (no await, gather, result() or exception() read it), as
  /// "NAME raised EXC", in creation order. Asyncio logs "Task exception was never retrieved" for
  /// these; the trace does not show it.
  std::vector<std::string> unretrieved;
};

/// Runs `prog` and returns its trace. Throws bad_input for errors only a run
/// can find (reading an unset variable, adding a string to an integer, a value
/// out of range).
execution run(const program& prog, const run_options& opts = {});

}  // namespace weft::scenario
