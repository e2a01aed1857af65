#pragma once
/// Exploring a program's schedules: the simulator's scheduler, the explore
/// loop (strategies, failures, determinism check), shrinking a failure to a
/// small schedule, naming the race, and replay.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
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

/// The simulator's weft::scheduler: every open choice goes to a strategy and
/// is recorded. Recording can be turned off (FIFO costs nothing then).
class sim_scheduler final : public weft::scheduler {
 public:
  sim_scheduler(strategy& s, fault_options faults, std::uint64_t swarm_seed = 0, bool record = true);

  std::size_t pick(std::span<const ready_entry> ready) override;
  void order_due(std::span<due_timer> due) override;
  void on_suspend(any_task& task) override;
  time_point timer_deadline(time_point when) override;

  /// The decisions taken so far.
  const schedule& recorded() const noexcept { return recorded_; }

 private:
  std::size_t decide(decision_kind kind, std::size_t options, std::span<const std::string> ids = {},
                     std::span<const std::string> sites = {});
  bool fault_site_enabled(const std::string& task) const;
  void record(decision_kind kind, std::size_t options, std::size_t c, std::uint64_t ordinal, std::string chosen,
              std::string displaced, std::string chosen_site, std::string displaced_site);

  strategy& strategy_;
  fault_options faults_;
  std::uint64_t swarm_seed_;
  bool record_;
  bool first_only_;  // a strategy that always takes option 0, nothing recorded: ask nobody
  schedule recorded_;
  std::uint64_t ordinals_[4] = {};
  std::map<std::string, std::uint64_t> heads_;
  std::vector<std::string> ids_, sites_;  // scratch, reused per decision
};

/// A program's outcome under one schedule: its trace, and why it failed
/// (empty if it passed).
struct outcome {
  std::vector<std::string> trace;
  std::string failure;
};

/// Runs the program once on a fresh loop with the given scheduler.
using program = std::function<outcome(weft::scheduler& scheduler)>;

enum class strategy_kind { random, pct, dfs };

struct explore_options {
  strategy_kind strategy = strategy_kind::random;
  std::uint64_t runs = 1000;   ///< random and pct: runs; dfs: at most this many schedules
  std::uint64_t seed = 0;
  unsigned depth = 3;          ///< pct's bug depth d
  std::uint64_t pct_steps = 64;  ///< pct's expected steps per run (change points in [1, k])
  std::uint64_t max_delays = 2;  ///< dfs's delay bound K
  fault_options faults{};
  bool check_determinism = false;  ///< run failures and every 64th run twice and compare
  unsigned jobs = 1;               ///< threads (results do not depend on it)
  std::uint64_t shard_index = 0, shard_count = 1;  ///< run only indices i with i % count == index
  std::function<void(std::uint64_t done, std::uint64_t failures)> progress{};  ///< called now and then
};

/// A failure, as found and as shrunk.
struct failure_report {
  std::uint64_t run = 0;  ///< index of the run that found it
  std::string failure;
  schedule found;
  std::vector<std::string> trace;
  schedule shrunk;
  std::vector<std::string> shrunk_trace;
  /// The decisions whose flip back to FIFO makes the run pass: "A ran before B".
  std::vector<std::string> race;
};

struct report {
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint64_t> trace_hashes;  ///< distinct traces (sorted), to merge shards
  bool exhausted = false;                   ///< dfs visited every schedule within the bound
  std::optional<failure_report> first_failure;  ///< the failing run with the smallest index
  std::vector<std::string> nondeterminism;      ///< runs that did not repeat themselves
};

/// Explores `prog` under many schedules.
report explore(const program& prog, const explore_options& opts);

/// Runs `prog` under a recorded schedule. `mismatch` is set if the schedule no
/// longer fits the program; `recorded` (if given) receives the run's decisions.
/// `tick` is the unit of jitter lateness (fault_options::tick).
outcome replay_run(const program& prog, const schedule& s, std::string& mismatch, schedule* recorded = nullptr,
                   weft::duration tick = std::chrono::seconds(1));

/// Minimises a failing schedule (fewer deviations and faults, shorter) while
/// the run fails the same way; returns the smaller schedule and its outcome.
/// Two deadlocks count as the same failure whatever is pending.
std::pair<schedule, outcome> shrink(const program& prog, const schedule& failing, const std::string& failure,
                                    weft::duration tick = std::chrono::seconds(1));

/// The deviations of `s` whose flip back to FIFO makes the run pass, described.
std::vector<std::string> name_race(const program& prog, const schedule& s, const std::string& failure,
                                   weft::duration tick = std::chrono::seconds(1));

/// FNV-1a of a trace (what "distinct traces" counts).
std::uint64_t trace_hash(const std::vector<std::string>& trace) noexcept;

}  // namespace weft::sim
