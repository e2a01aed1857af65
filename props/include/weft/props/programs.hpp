#pragma once
/// Generated programs of tasks, the inputs weft's own properties quantify
/// over: children that sleep, yield, await each other, return, raise or hang
/// until cancelled, and cancellations from outside at given times. A program
/// is plain data (rapidcheck generates, shows and shrinks it); program_run
/// runs one inside the current loop (children named child0, child1, ...;
/// their canceller `canceller`) and records how each child ended, also as a
/// line of the run's trace (weft::sim::trace).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include <weft/clock.hpp>
#include <weft/coro.hpp>
#include <weft/event.hpp>
#include <weft/task.hpp>
#include <weft/task_group.hpp>

namespace weft::props {

/// One step of a child before it ends.
struct child_step {
  enum class kind : std::uint8_t {
    sleep,  ///< sleep `ticks` (0: one bare yield)
    await,  ///< await the task of an earlier child (`target` < this child's index)
  };
  kind k = kind::sleep;
  std::uint32_t ticks = 0;
  std::uint32_t target = 0;
  friend bool operator==(const child_step&, const child_step&) = default;
};

/// How a child ends once its steps are done.
enum class child_ending : std::uint8_t {
  value,  ///< returns its value
  raise,  ///< raises child_error
  hang,   ///< waits forever (until cancelled)
};

/// One child task.
struct child_spec {
  std::vector<child_step> steps;
  child_ending ending = child_ending::value;
  int value = 0;
  friend bool operator==(const child_spec&, const child_spec&) = default;
};

/// A cancellation from outside: `child` is cancelled at tick `at`.
struct cancel_spec {
  std::uint32_t child = 0;
  std::uint32_t at = 0;
  friend bool operator==(const cancel_spec&, const cancel_spec&) = default;
};

/// A program: its children and the cancellations it suffers.
struct task_program {
  std::vector<child_spec> children;
  std::vector<cancel_spec> cancels;
  friend bool operator==(const task_program&, const task_program&) = default;
};

/// What programs are generated.
struct program_options {
  std::uint32_t max_children = 5;  ///< 1..max_children children
  std::uint32_t max_steps = 3;     ///< steps per child
  std::uint32_t max_ticks = 4;     ///< a sleep lasts 0..max_ticks ticks
  bool raises = true;              ///< children may raise
  bool hangs = false;              ///< children may hang until cancelled
  bool cancel_hangs = true;        ///< every child that hangs is cancelled in the end (no deadlock)
  bool awaits = true;              ///< children may await earlier children
  std::uint32_t max_cancels = 0;   ///< cancellations from outside
};

/// The rapidcheck generator of programs. Shrinks toward fewer children,
/// fewer steps, shorter sleeps, children that return, fewer cancellations.
rc::Gen<task_program> gen_program(const program_options& opts = {});

/// Shows a program in a counterexample, one child per line.
void showValue(const task_program& p, std::ostream& os);

/// The exception a child raises: a RuntimeError naming the child.
class child_error : public std::runtime_error {
 public:
  explicit child_error(std::size_t child) : std::runtime_error("child " + std::to_string(child)), child_(child) {}
  std::size_t child() const noexcept { return child_; }

 private:
  std::size_t child_;
};

/// How a child ended, recorded in the step in which its task ended.
struct child_outcome {
  enum class kind : std::uint8_t { pending, value, raised, cancelled };
  kind k = kind::pending;
  int value = 0;                         ///< kind::value
  std::optional<std::size_t> raised_by;  ///< kind::raised: the child whose child_error it was
  weft::time_point ended{};              ///< loop time when it became done
  std::size_t order = 0;                 ///< 1 for the first child done, 2 for the next...
  std::uint64_t iteration = 0;           ///< the loop iteration it became done in (loop.iterations())
};

/// Shows how a child ended in a counterexample: pending, value, raised, cancelled.
void showValue(child_outcome::kind k, std::ostream& os);

/// Yields `n` times (sleep(0)) and ends: a task that takes part in the
/// schedule and does nothing else.
weft::coro<void> yield_times(int n);

/// What a running program shares with its children's coroutines.
struct program_state;

/// Runs a program inside the current loop. Children outlive it safely: each
/// holds the program's state, so a property may stop looking before they end.
class program_run {
 public:
  /// The unit of a tick.
  static constexpr weft::duration tick = std::chrono::seconds(1);

  explicit program_run(const task_program& p);

  /// Creates every child's task (in index order) and a canceller task for
  /// the program's cancellations; returns the children's tasks.
  std::vector<weft::task<int>> spawn();
  /// As spawn(), but each child is a task of `group` (group.create_task, in
  /// index order); the canceller stays outside the group.
  std::vector<weft::task<int>> spawn(weft::task_group& group);
  /// The children's tasks, once spawned.
  const std::vector<weft::task<int>>& tasks() const noexcept;
  /// How each child ended (kind::pending while it runs).
  const std::vector<child_outcome>& outcomes() const noexcept;
  /// The program.
  const task_program& program() const noexcept;

  /// The outcome a child's task ends with if nothing cancels it and every
  /// child it awaits ends as planned: its value, or the child_error of itself
  /// or of the first awaited child that raises. nullopt for a hang.
  std::optional<child_outcome> planned(std::size_t child) const;
  /// Whether a child ended as planned(): not cancelled, its own value or error.
  bool ended_as_planned(std::size_t child) const;
  /// When a child's task ends if nothing cancels it (as planned()): the
  /// ticks after spawn, nullopt for a hang. An await ends when the awaited
  /// child does (virtual time does not pass across a wakeup).
  std::optional<std::uint32_t> planned_end(std::size_t child) const;

 private:
  std::vector<weft::task<int>> spawn_with(const std::function<weft::task<int>(weft::coro<int>, std::string)>& create);
  std::shared_ptr<program_state> s_;
  std::vector<weft::task<int>> tasks_;
};

}  // namespace weft::props
