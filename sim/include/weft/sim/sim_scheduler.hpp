#pragma once
/// The simulator's weft::scheduler: every open choice of a run goes to a
/// strategy and is recorded as a decision.

#include <chrono>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
#include "weft/sim/coverage.hpp"
#include "weft/sim/present_positions.hpp"
#include "weft/sim/ready_batch.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// Faults the simulator may inject (off by default).
struct fault_options {
  bool cancel = false;        ///< cancel a task where it suspends on a future
  bool jitter = false;        ///< fire timers late
  std::uint32_t jitter_ticks = 1;  ///< at most this many ticks late
  weft::duration tick = std::chrono::seconds(1);  ///< a scenario tick is a second
  bool swarm = false;  ///< each run enables a seed-chosen subset of fault sites (by task)
};

/// One step of a run as the scheduler saw it: a ready callback the loop ran.
struct observed_step {
  std::string task;               ///< the task it steps or wakes; "" for a callback with no task
  std::size_t task_number = 0;    ///< 1, 2, ... per distinct task, in order of first step; 0: no task
  std::uint64_t task_steps = 0;   ///< steps that task had run before this one (identity NAME#K)
  std::string site;               ///< the task's site as the step began ("" before its first)
  /// If the step ended suspended on a future (on_suspend): the task's name and
  /// site then (a task may rename itself: main starts as Task-1).
  std::optional<std::string> name_after, site_after;
  std::string reported_task;      ///< a taskless done callback: the task whose end it reports
  weft::duration at{};            ///< the loop's time
  std::uint64_t sequence = 0;     ///< the callback's sequence number (ready_entry::sequence)
  /// The loop's next_sequence() as the step began: whatever it scheduled is
  /// numbered from here up to the next step's first_scheduled.
  std::uint64_t first_scheduled = 0;
};

/// A timer scheduled during the run.
struct observed_timer {
  std::uint64_t sequence = 0;  ///< its callback's sequence number
  weft::duration when{};       ///< the deadline asked for (before any jitter)
};

/// What one decision concerns, for timelines.
struct observed_decision {
  /// The callback it is about: the one a ready decision picked, the timer a
  /// timer or jitter decision placed or delayed.
  std::optional<std::uint64_t> sequence;
  /// The callback FIFO order would have run there (ready and timer decisions).
  std::optional<std::uint64_t> displaced;
  /// The step during which it was taken (a cancel fault, a jitter).
  std::optional<std::size_t> step;
};

/// A trace line shown to sim_scheduler::note_line.
struct observed_line {
  std::string text;
  std::optional<std::size_t> step;  ///< the step running; none once the loop stopped
};

/// Everything a scheduler recording steps saw (sim_scheduler::record_steps).
struct step_log {
  std::vector<observed_step> steps;        ///< in run order
  std::vector<observed_timer> timers;      ///< in scheduling order
  std::vector<observed_decision> decisions;  ///< one per recorded decision
  std::vector<observed_line> lines;        ///< in order
};

/// Asks `s` at every decision and records what it chose. Recording can be
/// turned off (FIFO costs nothing then).
class sim_scheduler final : public weft::scheduler {
 public:
  sim_scheduler(strategy& s, fault_options faults, std::uint64_t swarm_seed = 0, bool record = true);

  std::size_t pick(std::span<const ready_entry> ready) override;
  void order_due(std::span<due_timer> due) override;
  void on_suspend(any_task& task) override;
  std::size_t pick_thread(std::span<const std::uint64_t> jobs, bool may_defer) override;
  time_point timer_deadline(time_point when) override;

  void on_run(const ready_entry& next) override;
  void on_access(std::uint64_t object, std::uint64_t site, bool write) override;

  /// The decisions taken so far.
  const schedule& recorded() const noexcept { return recorded_; }

  /// Also records every step the loop runs, every timer, what each decision
  /// concerns and the lines given to note_line: a timeline's material
  /// (timeline.hpp). Call before the run; costs a call per callback.
  void record_steps();
  /// Notes a trace line as the run logs it (placed in the running step).
  void note_line(const std::string& text);
  /// What record_steps recorded; null if it was not asked for.
  const step_log* steps() const noexcept { return log_.get(); }

  /// Also collects the run's interleaving coverage (coverage.hpp): its
  /// reads-from pairs, and the ordering pairs of its ready decisions. With
  /// `pairs`, each reads-from pair is also kept as text (reads_from()).
  /// Call before the run.
  void record_coverage(bool pairs = false);
  /// A feature and where in the run it arose: the number of decisions taken
  /// before its pair occurred (the last time, for a count bucket above 1).
  /// Its path is the pair without its count and its chain's length, and its
  /// level those two: a run with a higher level on a path than any before it
  /// went further along it (a fourth hand-off, a longer chain of copies).
  struct feature {
    std::uint64_t hash;
    std::uint32_t at;
    std::uint64_t path = 0;
    std::uint32_t level = 0;
  };
  /// The run's features: its reads-from pairs, each with how often it
  /// occurred (bucketed), hashed; or, if it noted no access, its ordering
  /// pairs likewise. Sorted by hash, without repeats.
  std::vector<feature> features() const;
  /// A reads-from pair as text: "a#1 at /coros/worker/2" wrote what
  /// "b#0 at /coros/worker/0" read ("(initial)" for a read before any write).
  struct reads_from_pair {
    std::string write, read;
    friend bool operator==(const reads_from_pair&, const reads_from_pair&) = default;
  };
  /// The accesses to shared state, in the order they happened (record_coverage).
  const std::vector<shared_access>& accesses() const noexcept { return accesses_; }
  /// The reads-from pairs in the order the reads happened (record_coverage(true)).
  const std::vector<reads_from_pair>& reads_from() const noexcept { return pairs_; }

 private:
  std::size_t decide(decision_kind kind, std::size_t options, std::span<const std::string> ids = {},
                     std::span<const std::string> sites = {});
  void record_pick(const ready_candidates& candidates, std::span<const ready_entry> ready, std::size_t c);
  bool fault_site_enabled(const std::string& task) const;
  void record(decision_kind kind, std::size_t options, std::size_t c, std::uint64_t ordinal, std::string chosen,
              std::string displaced, std::string chosen_site, std::string displaced_site);

  strategy& strategy_;
  fault_options faults_;
  std::uint64_t swarm_seed_;
  bool record_;
  bool first_only_;  // a strategy that always takes option 0, nothing recorded: ask nobody
  schedule recorded_;
  ready_batch batch_;  // the iteration's ready callbacks, across its decisions
  present_positions timers_left_;  // order_due: the equal-deadline timers not placed yet
  std::uint64_t ordinals_[decision_kinds] = {};
  std::unordered_map<std::string, std::uint64_t> heads_;
  struct task_seen {
    std::uint64_t steps;
    std::size_t number;
  };
  std::unique_ptr<step_log> log_;
  // Tasks by address, to tell them apart when names repeat or change. Only
  // looked up, never iterated.
  std::map<const void*, task_seen> tasks_;
  std::size_t task_count_ = 0;
  // Coverage (record_coverage): per object its last write's site (and, with
  // pairs, who wrote it); the hashed pairs as they came.
  bool coverage_ = false;
  bool coverage_pairs_ = false;
  struct provenance {
    std::uint64_t origin = 0;  // the site of the chain's first write
    std::uint32_t hops = 0;    // its writes, up to 8
  };
  struct last_write {
    std::uint64_t site;
    std::string who;
    provenance from;  // where the value came from (see on_access)
  };
  std::unordered_map<std::uint64_t, last_write> writes_;
  // Per task (by its name's hash; only looked up, never iterated): the
  // provenance of the last write it read, which its next writes extend.
  std::unordered_map<std::uint64_t, provenance> read_from_;
  std::vector<feature> reads_from_features_, ordering_features_;  // unbucketed, in the order they occurred
  std::vector<reads_from_pair> pairs_;
  std::vector<shared_access> accesses_;
};

}  // namespace weft::sim
