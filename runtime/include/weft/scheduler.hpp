#pragma once
/// The ready-queue policy: which ready callback runs next, and in what order
/// timers due at the same instant join the ready queue. This is the seam the
/// simulator plugs into; the default FIFO policy costs nothing on the hot path
/// because the loop recognises it and never calls through this interface.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "weft/clock.hpp"
#include "weft/detail/ready_item.hpp"

namespace weft {

class any_task;

namespace detail {
struct callback_node;
class task_base;
}  // namespace detail

/// Room for a task's name where the task stores none: an unnamed task's
/// "Task-<n>" is made from its number when asked (see ready_entry::task_name).
using task_name_room = std::array<char, 32>;

/// What a scheduler may know of one ready callback.
class ready_entry {
 public:
  explicit ready_entry(detail::ready_item it) noexcept : item_(it) {}
  detail::ready_item item() const noexcept { return item_; }
  /// The task this callback steps or wakes, or nullptr for a plain callback.
  const detail::task_base* task() const noexcept;
  /// That task's name, or "" for a plain callback.
  std::string task_name() const;
  /// The same without a copy: a view of the task's own name, or of `room`
  /// where its default name is written. Valid while the task keeps its name
  /// and `room` lives.
  std::string_view task_name(task_name_room& room) const;
  /// How many steps that task had run before (0 for its first step): with the
  /// name, an identity of this callback that survives edits elsewhere.
  std::uint64_t task_steps() const noexcept;
  /// Where that task is (any_task::site(): its label or the source site of
  /// its await), or "".
  std::string task_site() const;
  /// For a callback with no task of its own that reports a task's completion
  /// (a done callback registered on a task, such as gather's): that task's
  /// name; else "".
  std::string reported_task_name() const;
  /// The loop's sequence number of this callback (strictly increasing in
  /// scheduling order; stable across runs of the same program).
  std::uint64_t sequence() const noexcept;

 private:
  detail::ready_item item_;
};

/// A timer that fell due, as offered to scheduler::order_due.
struct due_timer {
  time_point when;
  std::uint64_t sequence;  // scheduling order
  detail::callback_node* node;
};

/// Chooses the order of ready callbacks. Under asyncio (and fifo_scheduler) the
/// order is first-in first-out; the simulator's schedulers choose otherwise.
class scheduler {
 public:
  virtual ~scheduler() = default;

  /// Picks the next callback to run among the remaining callbacks of this
  /// iteration (ready[0] is the oldest); returns an index < ready.size().
  /// Called only when at least two remain.
  virtual std::size_t pick(std::span<const ready_entry> ready) = 0;

  /// May reorder `due`, the timers that fell due in one iteration (sorted by
  /// (when, sequence)), before they join the ready queue. Default: leave them.
  virtual void order_due(std::span<due_timer> due) { (void)due; }

  /// Called when a task suspends on a future (after registering its wakeup):
  /// a simulator may inject a fault here, e.g. cancel the task. Default: nothing.
  virtual void on_suspend(any_task& task) { (void)task; }

  /// The time a timer due at `when` actually becomes due (lateness a simulator
  /// may add; never earlier than `when`). Default: `when`.
  virtual time_point timer_deadline(time_point when) { return when; }

  /// Called just before each ready callback runs (after pick, if any), only
  /// if observes_runs(): lets a simulator record every step of a run, not only
  /// those it chose among (timelines). Default: nothing.
  virtual void on_run(const ready_entry& next) { (void)next; }

  /// A program's access to shared state, as noted by its code (a scenario's
  /// global variable, a weft::sim::shared<T>, a primitive): `object` names
  /// what was accessed and `site` where, both as stable hashes (the same in
  /// every run of the program); `write` if it changed it. Called only if
  /// observes_accesses(): a simulator's interleaving coverage. Default: nothing.
  virtual void on_access(std::uint64_t object, std::uint64_t site, bool write) {
    (void)object, (void)site, (void)write;
  }
  /// Threads: picks which executor job's next event reaches the loop now (a
  /// callback the job posted, its wait on a concurrent_future, or its end),
  /// among `jobs` (their numbers in this loop, oldest first; the loop waits
  /// for the one picked), or returns jobs.size() for none yet, allowed only
  /// if `may_defer` (the loop has other work). Called once per iteration
  /// while jobs are in flight, only if controls_threads(). Default: 0, the
  /// oldest job at once: threads take no time.
  virtual std::size_t pick_thread(std::span<const std::uint64_t> jobs, bool may_defer) {
    (void)jobs, (void)may_defer;
    return 0;
  }
  /// Whether this scheduler decides when thread work reaches the loop
  /// (pick_thread); otherwise it arrives when the threads post it.
  bool controls_threads() const noexcept { return controls_threads_; }
  /// Whether accesses are to be noted (see on_access).
  bool observes_accesses() const noexcept { return observes_accesses_; }

  /// True for the FIFO policy, which the loop runs without calling pick().
  bool is_fifo() const noexcept { return fifo_; }
  /// Whether the loop calls on_run (off by default: a call per callback).
  bool observes_runs() const noexcept { return observes_runs_; }

 protected:
  explicit scheduler(bool fifo = false) noexcept : fifo_(fifo) {}
  void observe_runs(bool on) noexcept { observes_runs_ = on; }
  void observe_accesses(bool on) noexcept { observes_accesses_ = on; }
  void control_threads(bool on) noexcept { controls_threads_ = on; }

 private:
  bool fifo_;
  bool observes_runs_ = false;
  bool observes_accesses_ = false;
  bool controls_threads_ = false;
};

/// asyncio's order: callbacks run in the order they were scheduled, and timers
/// with equal deadlines in the order they were scheduled. The default.
class fifo_scheduler final : public scheduler {
 public:
  fifo_scheduler() noexcept : scheduler(true) {}
  std::size_t pick(std::span<const ready_entry>) override { return 0; }
};

}  // namespace weft
