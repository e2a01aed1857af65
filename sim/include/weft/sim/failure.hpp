#pragma once
/// Why a run failed, as a value: its kind, what happened, and where. Rendered
/// to text in one place (message()); compared by value, never by prefix.

#include <cstdint>
#include <string>
#include <vector>

namespace weft::sim {

/// The ways a run can fail.
enum class failure_kind : std::uint8_t {
  assertion,    ///< a checked condition was false (a scenario's assert, WEFT_CHECK)
  exception,    ///< an exception escaped the main task
  deadlock,     ///< nothing was ready and no timer was pending, with tasks left
  step_limit,   ///< the run did not end within its limit (a livelock?)
  unretrieved,  ///< a task ended with an exception nobody retrieved (opt-in)
  resource_limit,  ///< too many live tasks or too much heap (body_options)
};

/// A failed run.
struct failure {
  failure_kind kind = failure_kind::assertion;
  /// What happened: the condition ("count == 2 (was 1)"), the exception, the
  /// limit, the task whose exception was lost. Empty for a deadlock.
  std::string detail;
  /// Where: a deadlock's pending tasks ("main at /coros/main/3"), a failed
  /// check's source location; empty when unknown.
  std::vector<std::string> where;

  /// One line for reports: "assertion failed: count == 2 (was 1)",
  /// "deadlock: nothing ready, no timer; pending: a at ...; b at ...".
  std::string message() const;

  friend bool operator==(const failure&, const failure&) = default;
};

/// The same failure for shrinking and race naming: the same kind and detail.
/// Where does not count, so two deadlocks are the same failure whichever tasks
/// are left pending (a smaller schedule may leave others).
bool same_failure(const failure& a, const failure& b) noexcept;

}  // namespace weft::sim
