// Shared by the Google Benchmark suites (bench/README.md): the loop
// configurations every hot-path workload runs under, the helper that runs a
// workload on a fresh loop, and result checks.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <utility>

#include <benchmark/benchmark.h>

#include <weft/sim/random_walk.hpp>
#include <weft/sim/sim_scheduler.hpp>
#include <weft/weft.hpp>

namespace weft_bench {

/// Where a workload runs. All three use a virtual clock, so timers fire at
/// once and the configurations differ only in their scheduler.
enum class config {
  production,  ///< no scheduler: the loop's own FIFO hot path
  sim_fifo,    ///< the simulator's machinery taking no choices (fifo, record=false)
  sim_random,  ///< random_walk, recording every decision, as explore runs
};

inline constexpr std::uint64_t kSeed = 1;

/// Runs `main` to completion on a fresh loop of configuration `c` and returns
/// its result. `run_index` picks sim_random's run, as explore's run i.
template <class T>
T run(config c, weft::coro<T> main, std::uint64_t run_index = 0) {
  weft::virtual_clock clock;
  switch (c) {
    case config::production:
      break;
    case config::sim_fifo: {
      weft::sim::fifo strategy;
      weft::sim::sim_scheduler scheduler(strategy, {}, 0, /*record=*/false);
      return weft::run(std::move(main), {.clock = &clock, .scheduler = &scheduler});
    }
    case config::sim_random: {
      weft::sim::random_walk strategy(kSeed);
      strategy.start_run(run_index);
      weft::sim::sim_scheduler scheduler(strategy, {}, 0, /*record=*/true);
      return weft::run(std::move(main), {.clock = &clock, .scheduler = &scheduler});
    }
  }
  return weft::run(std::move(main), {.clock = &clock});
}

/// Set WEFT_BENCH_FORCE_MISMATCH to make every check fail: the smoke test
/// that proves a failed check fails ctest uses it.
inline bool force_mismatch() {
  static const bool force = std::getenv("WEFT_BENCH_FORCE_MISMATCH") != nullptr;
  return force;
}

/// A benchmark whose result is wrong measured the wrong thing: report it as
/// an error (the caller leaves its loop when this returns false).
inline bool check(benchmark::State& state, bool ok, const char* what) {
  if (ok && !force_mismatch()) return true;
  state.SkipWithError(what);
  return false;
}

}  // namespace weft_bench

/// Registers `fn(benchmark::State&, weft_bench::config)` once per
/// configuration, named fn/production, fn/sim_fifo and fn/sim_random.
#define WEFT_BENCH_ALL_CONFIGS(fn)                                                             \
  BENCHMARK_CAPTURE(fn, production, weft_bench::config::production)->Unit(benchmark::kMicrosecond); \
  BENCHMARK_CAPTURE(fn, sim_fifo, weft_bench::config::sim_fifo)->Unit(benchmark::kMicrosecond);     \
  BENCHMARK_CAPTURE(fn, sim_random, weft_bench::config::sim_random)->Unit(benchmark::kMicrosecond)
