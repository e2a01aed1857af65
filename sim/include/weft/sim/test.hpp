#pragma once
/// Exploring a C++ test body: the simulator's API for users' tests. The body
/// is a function returning the coroutine to run as the main task; it fails by
/// throwing (WEFT_CHECK, any exception), by deadlocking, by livelocking, or
/// (opt-in) by leaving a task exception nobody retrieved.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <weft/coro.hpp>
#include <weft/heap.hpp>

#include "weft/sim/explore.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/timeline.hpp"

namespace weft::sim {

/// A test body: returns a fresh coroutine for each run.
using test_body = std::function<weft::coro<void>()>;

/// How a body runs.
struct body_options {
  /// Fail a run that leaves a task exception nobody retrieved.
  bool fail_on_unretrieved = false;
  /// Loop iterations before a run counts as a livelock.
  std::uint64_t max_iterations = 1000000;
  /// Tasks alive at once before a run fails as "limit reached" (a body that
  /// spawns without bound): loop_options::max_tasks.
  std::size_t max_tasks = 100000;
  /// The process's heap (read every 1024 loop iterations) before a run fails
  /// as "limit reached": loop_options::max_heap. With explore_options::jobs >
  /// 1 runs share the heap; a run that reaches the limit there is run again
  /// alone, so that the report does not depend on jobs.
  std::size_t max_heap = weft::default_heap_limit();
};

/// Adds a line to the current run's trace (what replay prints and what
/// "distinct traces" counts). A no-op outside a run.
void trace(std::string line);

/// A failed WEFT_CHECK: the condition and where it is written. A run that
/// throws it fails as failure_kind::assertion.
class check_failure : public std::logic_error {
 public:
  check_failure(std::string condition, std::string where)
      : std::logic_error(where + ": check failed: " + condition),
        condition_(std::move(condition)),
        where_(std::move(where)) {}
  const std::string& condition() const noexcept { return condition_; }
  const std::string& where() const noexcept { return where_; }

 private:
  std::string condition_, where_;
};

/// The body as the simulator's program: each run gets a fresh loop with a
/// virtual clock and the given scheduler.
program body_program(test_body body, body_options opts = {});

/// The same, also showing each sim::trace line to `on_line` as it is logged
/// (what record_timeline needs).
observed_program body_observed_program(test_body body, body_options opts = {});

/// Explores `body` under many schedules (see explore_options). If the body
/// logs no trace (it never calls sim::trace), the first failure's shrunk
/// trace is its step_trace: each task's steps with their sites.
report explore(test_body body, const explore_options& opts, body_options bopts = {});

/// Replays one schedule token on `body`; the trace is the body's own, or its
/// step_trace if it logs none. Throws std::invalid_argument if the token is
/// malformed or does not fit the body.
run_result replay(test_body body, const std::string& token, body_options bopts = {});

/// Replays schedule `s` on `body` step by step: the timeline that
/// chrome_trace and html_page draw, with the race marked if the run failed.
/// Throws std::invalid_argument if `s` does not fit the body.
timeline body_timeline(test_body body, const schedule& s, body_options bopts = {},
                       weft::duration tick = std::chrono::seconds(1));

/// Writes the pictures of `body`'s run under `s` into directory `dir` (made
/// if missing): NAME.html (html_page: the failure, the race, the lanes, the
/// trace, `replay_command`; `shrunk` titles the trace as a shrunk failure's)
/// and NAME.trace.json (chrome_trace, for Perfetto or chrome://tracing).
/// Returns the two paths. Throws std::runtime_error if a file cannot be
/// written, std::invalid_argument if `s` does not fit.
std::vector<std::string> write_run_pictures(test_body body, const schedule& s, const std::string& dir,
                                            const std::string& name, const std::string& replay_command,
                                            bool shrunk, body_options bopts = {});

/// A report on a test body as text (format_text), `name` naming the body; a
/// failure's replay hint is WEFT_REPLAY=TOKEN.
std::string format_report(const report& r, const explore_options& opts, const std::string& name = "test body");

}  // namespace weft::sim

/// Fails the current run (throws weft::sim::check_failure) unless `cond` holds.
#define WEFT_CHECK(cond)                                                                            \
  do {                                                                                              \
    if (!(cond))                                                                                    \
      throw ::weft::sim::check_failure(#cond, std::string(__FILE__) + ":" + std::to_string(__LINE__)); \
  } while (0)
