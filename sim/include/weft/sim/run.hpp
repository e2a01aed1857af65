#pragma once
/// One run of a program under the simulator: what a program is to the
/// simulator, what a run gives back, and the ways to run one (under a
/// strategy, recorded; replaying a schedule).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
#include "weft/sim/failure.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/sim_scheduler.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// What one run of a program gives: its trace, and its failure if it failed.
struct run_result {
  std::vector<std::string> trace;
  std::optional<failure> failed;
};

/// A program to the simulator: runs once on a fresh loop that uses the given
/// scheduler. Must be deterministic given the scheduler's choices.
using program = std::function<run_result(weft::scheduler& scheduler)>;

/// A run and the decisions it took.
struct recorded_run {
  run_result result;
  schedule decisions;
  /// Its interleaving coverage (sim_scheduler::features: hashes), if the
  /// strategy asked for it (strategy::wants_coverage), and per feature the
  /// number of decisions taken before it arose, its path and its level.
  std::vector<std::uint64_t> features;
  std::vector<std::uint32_t> feature_at;
  std::vector<std::uint64_t> feature_path;
  std::vector<std::uint32_t> feature_level;
  /// With coverage, its accesses to shared state in the order they happened.
  std::vector<shared_access> accesses;
};

/// Runs `prog` once under `s`, recording every decision (and the run's
/// coverage if `s` wants it).
recorded_run run_once(const program& prog, strategy& s, const fault_options& faults = {},
                      std::uint64_t swarm_seed = 0);

/// The fault options a replay of `s` needs: a schedule's cancel and jitter
/// decisions must find their decision points even if faults are off.
/// `tick` is the unit of jitter lateness.
fault_options replay_faults(const schedule& s, weft::duration tick = std::chrono::seconds(1));

/// Runs `prog` under a recorded schedule, applied by identity (see replay).
/// `mismatch` is set if the schedule no longer fits the program; `recorded`
/// (if given) receives the run's decisions.
run_result replay_run(const program& prog, const schedule& s, std::string& mismatch, schedule* recorded = nullptr,
                      weft::duration tick = std::chrono::seconds(1));

/// Runs `prog` under `s` applied by position (see replay_by_position).
recorded_run replay_run_by_position(const program& prog, const schedule& s,
                                    weft::duration tick = std::chrono::seconds(1));

/// FNV-1a of a trace (what "distinct traces" counts).
std::uint64_t trace_hash(const std::vector<std::string>& trace) noexcept;

}  // namespace weft::sim
