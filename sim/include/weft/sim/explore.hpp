#pragma once
/// Exploring a program's schedules: the explore loop (strategies, jobs,
/// shards, the determinism check), and what it reports. The pieces it uses
/// have their own headers: sim_scheduler.hpp, run.hpp, shrink.hpp, the
/// strategies; report_format.hpp renders a report.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weft/sim/failure.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/sim_scheduler.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

enum class strategy_kind { random, pct, dfs, coverage };

struct explore_options {
  strategy_kind strategy = strategy_kind::random;
  std::uint64_t runs = 1000;   ///< random and pct: runs; dfs: at most this many schedules
  std::uint64_t seed = 0;
  unsigned depth = 3;          ///< pct's bug depth d
  std::uint64_t pct_steps = 64;  ///< pct's expected steps per run (change points in [1, k])
  std::uint64_t max_delays = 2;  ///< dfs's delay bound K
  fault_options faults{};
  bool check_determinism = false;  ///< run failures and every 64th run twice and compare
  /// Threads. Results do not depend on it, provided runs are independent:
  /// with jobs > 1 a C++ body runs on several threads at once, so it must not
  /// share mutable state between runs (globals, statics, a captured object).
  unsigned jobs = 1;
  std::uint64_t shard_index = 0, shard_count = 1;  ///< run only indices i with i % count == index
  std::function<void(std::uint64_t done, std::uint64_t failures)> progress{};  ///< called now and then
};

/// The strategy `opts` asks for (random walk, PCT or delay-bounded search).
std::unique_ptr<strategy> make_strategy(const explore_options& opts);

/// A failure, as found and as shrunk.
struct failure_report {
  std::uint64_t run = 0;  ///< index of the run that found it
  failure failed;
  schedule found;
  std::vector<std::string> trace;
  schedule shrunk;
  std::vector<std::string> shrunk_trace;
  /// The deviations whose flip back to FIFO makes the run pass (name_race).
  std::vector<decision> race;
};

/// A run that did not repeat itself: the program is not deterministic.
struct nondeterministic_run {
  std::uint64_t run = 0;
  std::string detail;  ///< what differed
  std::string message() const;
  friend bool operator==(const nondeterministic_run&, const nondeterministic_run&) = default;
};

struct report {
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint64_t> trace_hashes;  ///< distinct traces (sorted), to merge shards
  bool exhausted = false;                   ///< dfs visited every schedule within the bound
  std::optional<failure_report> first_failure;  ///< the failing run with the smallest index
  std::vector<nondeterministic_run> nondeterminism;  ///< by run index
};

/// Explores `prog` under many schedules; shrinks the first failure (the one
/// with the smallest run index) and names its race.
report explore(const program& prog, const explore_options& opts);

}  // namespace weft::sim
