// weft_sim_bench: the simulator's throughput (bench/README.md).
//
// - explore/STRATEGY/SCENARIO: one weft::sim::explore of a bundled scenario
//   (examples/scenarios/*.json, found at startup), 256 runs, seed 1; items
//   are schedules. A failing scenario also pays for shrinking its first
//   failure and naming the race, which explore always does.
// - explore_runs_only/STRATEGY/SCENARIO: the same 256 runs as explore's loop
//   runs them (strategy, a sim_scheduler that records nothing, as explore's
//   random and pct runs until one fails; failure and trace counts), without
//   the shrinking or the recorded rerun of the first failure.
// - fan_out/CONFIG/LEAVES: one run of a fan-out whose LEAVES tasks are all
//   ready at once (the tree of tests/scenarios/fan_out_32768.json, generated
//   for 2^10 and 2^15 leaves): trace is the production FIFO loop (as `weft
//   trace`), fifo, pct, random and dfs a recorded run under that strategy (as
//   explore runs it), replay_pct the pct run's schedule replayed by identity.
//   Counter x_trace: the run's time over trace's (measured by fan_out/trace
//   just before), which must not grow with LEAVES (issue #14).
// - parse_conformance_scenarios: weft::scenario::parse over every
//   conformance/scenarios/*.json, read into memory at startup.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "weft/sim/report_format.hpp"
#include <string>
#include <utility>
#include <vector>

#include <weft/scenario/interpreter.hpp>
#include <weft/scenario/parse.hpp>
#include <weft/sim/explore.hpp>
#include <weft/sim/sim_scheduler.hpp>

#include <weft/scenario/sim_program.hpp>
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using weft::sim::strategy_kind;
using weft_bench::check;

constexpr std::uint64_t kRuns = 256;

struct scenario_file {
  std::string stem;
  weft::scenario::program prog;
};

struct text_file {
  std::string path;
  std::string text;
};

// Deques: sim_program keeps a reference to its program.
std::deque<scenario_file> examples;
std::vector<text_file> conformance;
std::size_t conformance_bytes = 0;
std::size_t conformance_statements = 0;

std::vector<fs::path> json_files(const char* dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

weft::sim::explore_options options(strategy_kind k) {
  weft::sim::explore_options o;
  o.strategy = k;
  o.runs = kRuns;
  o.seed = 1;
  o.faults.tick = weft::scenario::tick;  // as `weft explore`
  return o;
}

const char* name_of(strategy_kind k) { return weft::sim::strategy_name(k); }

/// What one exploration found: checked between iterations and variants.
struct findings {
  std::uint64_t failures = 0;
  std::size_t distinct_traces = 0;
  bool operator==(const findings&) const = default;
};

/// What explore found per (scenario, strategy): the first exploration
/// records it, every later one (and the runs-only variant) must match it.
std::map<std::pair<const scenario_file*, strategy_kind>, findings> explored;

const findings& explored_once(const scenario_file& f, strategy_kind k) {
  auto it = explored.find({&f, k});
  if (it == explored.end()) {
    const auto rep = weft::sim::explore(weft::scenario::sim_program(f.prog), options(k));
    it = explored.emplace(std::pair{&f, k}, findings{rep.failures, rep.trace_hashes.size()}).first;
  }
  return it->second;
}

void report(benchmark::State& state, std::uint64_t schedules, const findings& found) {
  state.SetItemsProcessed(static_cast<std::int64_t>(schedules));
  state.counters["schedules/s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
  state.counters["failures"] = benchmark::Counter(static_cast<double>(found.failures));
  state.counters["traces"] = benchmark::Counter(static_cast<double>(found.distinct_traces));
}

/// weft::sim::explore of one scenario, 256 runs (shrinking of the first failure included).
void explore_scenario(benchmark::State& state, const scenario_file* f, strategy_kind k) {
  const weft::sim::program prog = weft::scenario::sim_program(f->prog);
  const weft::sim::explore_options opts = options(k);
  std::uint64_t schedules = 0;
  findings found;
  for (auto _ : state) {
    const weft::sim::report rep = weft::sim::explore(prog, opts);
    schedules += rep.runs;
    found = {rep.failures, rep.trace_hashes.size()};
    const findings& expected = explored.try_emplace({f, k}, found).first->second;
    if (!check(state,
               rep.runs == kRuns && found == expected && rep.first_failure.has_value() == (rep.failures > 0),
               "explore: not every run ran, or the exploration did not repeat itself"))
      break;
  }
  report(state, schedules, found);
}

/// explore's run loop alone: the same 256 runs, without shrinking or naming a race.
void explore_runs_only(benchmark::State& state, const scenario_file* f, strategy_kind k) {
  const weft::sim::program prog = weft::scenario::sim_program(f->prog);
  const weft::sim::explore_options opts = options(k);
  const findings& expected = explored_once(*f, k);
  std::uint64_t schedules = 0;
  for (auto _ : state) {
    std::unique_ptr<weft::sim::strategy> strat = weft::sim::make_strategy(opts);
    findings found;
    std::set<std::uint64_t> traces;
    for (std::uint64_t i = 0; i < opts.runs; ++i) {
      strat->start_run(i);
      weft::sim::sim_scheduler sched(*strat, opts.faults, 0, /*record=*/false);
      const weft::sim::run_result r = prog(sched);
      traces.insert(weft::sim::trace_hash(r.trace));
      if (r.failed) ++found.failures;
    }
    found.distinct_traces = traces.size();
    schedules += opts.runs;
    if (!check(state, found == expected, "explore_runs_only: the runs differ from explore's")) break;
  }
  report(state, schedules, expected);
}

// ---- fan-out: every strategy against the FIFO run ----

/// A binary tree of gathers `depth` levels deep, 2^depth leaves ready at
/// once: tests/scenarios/fan_out_32768.json's, for any depth.
std::string fan_out_json(int depth) {
  std::string coros = R"("main": [{"op": "set", "var": "n", "value": 0}, {"op": "await", "aw": {"coro": "l)" +
                      std::to_string(depth) + R"("}}, {"op": "log", "msg": "leaves {n}"}])";
  for (int k = 1; k <= depth; ++k) {
    const std::string below = "\"l" + std::to_string(k - 1) + "\"";
    coros += ", \"l" + std::to_string(k) + "\": ";
    coros += k % 2 ? R"([{"op": "spawn", "var": ".a", "name": "a", "coro": )" + below +
                         R"(}, {"op": "spawn", "var": ".b", "name": "b", "coro": )" + below +
                         R"(}, {"op": "gather", "items": [{"task": ".a"}, {"task": ".b"}]}])"
                   : R"([{"op": "gather", "items": [{"coro": )" + below + R"(}, {"coro": )" + below + "}]}]";
  }
  coros += R"(, "l0": [{"op": "sleep", "d": 0}, {"op": "add", "var": "n", "value": 1}])";
  return "{\"coros\": {" + coros + "}}";
}

enum class fan_out_config { trace, fifo, pct, random, dfs, replay_pct };

struct fan_out_case {
  int depth;
  weft::scenario::program prog;
  std::string done_line;    // "0 main: leaves N"
  double trace_seconds;     // the production FIFO run: fastest of three at startup, then fan_out/trace's mean
  weft::sim::schedule pct;  // run 0 of pct, seed 1 (replay_pct's schedule)
};
std::deque<fan_out_case> fan_outs;

using fan_out_clock = std::chrono::steady_clock;

double seconds_since(fan_out_clock::time_point t) {
  return std::chrono::duration<double>(fan_out_clock::now() - t).count();
}

std::unique_ptr<weft::sim::strategy> fan_out_strategy(weft::sim::strategy_kind k) {
  weft::sim::explore_options o;
  o.strategy = k;
  o.seed = 1;
  std::unique_ptr<weft::sim::strategy> s = weft::sim::make_strategy(o);
  s->start_run(0);
  return s;
}

/// One run of the fan-out as `config` runs it: its trace, and whether it failed.
std::pair<std::vector<std::string>, bool> run_fan_out(const fan_out_case& c, fan_out_config config) {
  const weft::sim::program prog = weft::scenario::sim_program(c.prog);
  switch (config) {
    case fan_out_config::trace: {
      weft::scenario::execution e = weft::scenario::run(c.prog);
      return {std::move(e.trace), e.end != weft::scenario::ending::completed};
    }
    case fan_out_config::replay_pct: {
      std::string mismatch;
      weft::sim::run_result r = weft::sim::replay_run(prog, c.pct, mismatch);
      return {std::move(r.trace), r.failed.has_value() || !mismatch.empty()};
    }
    default: break;
  }
  const auto kind = config == fan_out_config::pct      ? strategy_kind::pct
                    : config == fan_out_config::random ? strategy_kind::random
                                                       : strategy_kind::dfs;
  std::unique_ptr<weft::sim::strategy> s =
      config == fan_out_config::fifo ? std::make_unique<weft::sim::fifo>() : fan_out_strategy(kind);
  weft::sim::recorded_run r = weft::sim::run_once(prog, *s);
  return {std::move(r.result.trace), r.result.failed.has_value()};
}

void fan_out(benchmark::State& state, fan_out_case* c, fan_out_config config) {
  double total = 0;
  for (auto _ : state) {
    const auto start = fan_out_clock::now();
    const auto [trace, failed] = run_fan_out(*c, config);
    total += seconds_since(start);
    if (!check(state, !failed && std::find(trace.begin(), trace.end(), c->done_line) != trace.end(),
               "fan_out: a run failed, or did not count every leaf"))
      break;
  }
  const std::int64_t leaves = std::int64_t{1} << c->depth;
  state.SetItemsProcessed(state.iterations() * leaves);
  if (state.iterations() == 0) return;
  const double mean = total / static_cast<double>(state.iterations());
  // trace runs first and sets the reference, in the heap the others run in
  // (an allocator that has served bigger runs is slower for everyone).
  if (config == fan_out_config::trace) c->trace_seconds = mean;
  state.counters["x_trace"] = benchmark::Counter(mean / c->trace_seconds);
}

/// Prepares a fan-out of 2^depth leaves: its reference time and pct schedule.
void add_fan_out(int depth) {
  fan_out_case& c = fan_outs.emplace_back();
  c.depth = depth;
  c.prog = weft::scenario::parse(fan_out_json(depth), "fan_out.json");
  c.done_line = "0 main: leaves " + std::to_string(1 << depth);
  c.trace_seconds = 1e9;
  for (int i = 0; i < 3; ++i) {
    const auto start = fan_out_clock::now();
    weft::scenario::run(c.prog);
    c.trace_seconds = std::min(c.trace_seconds, seconds_since(start));
  }
  const std::unique_ptr<weft::sim::strategy> pct = fan_out_strategy(strategy_kind::pct);
  c.pct = weft::sim::run_once(weft::scenario::sim_program(c.prog), *pct).decisions;
}

/// weft::scenario::parse of every conformance scenario (already in memory).
void parse_conformance_scenarios(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t statements = 0;
    for (const auto& t : conformance) statements += weft::scenario::parse(t.text, t.path).statement_count;
    if (!check(state, statements == conformance_statements, "parse_conformance_scenarios: wrong statement count"))
      break;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(conformance_bytes));
  state.counters["files"] = benchmark::Counter(static_cast<double>(conformance.size()));
}

/// Loads the scenario files and registers one benchmark per scenario and
/// strategy. False (with a message) if a directory is missing or a file bad.
bool register_all() {
  try {
    for (const auto& p : json_files(WEFT_EXAMPLES_SCENARIOS_DIR))
      examples.push_back({p.stem().string(), weft::scenario::parse_file(p.string())});
    for (const auto& p : json_files(WEFT_CONFORMANCE_SCENARIOS_DIR)) {
      text_file t{p.string(), read_all(p)};
      conformance_statements += weft::scenario::parse(t.text, t.path).statement_count;
      conformance_bytes += t.text.size();
      conformance.push_back(std::move(t));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "weft_sim_bench: %s\n", e.what());
    return false;
  }
  if (examples.empty() || conformance.empty()) {
    std::fprintf(stderr, "weft_sim_bench: no scenarios in %s or %s\n", WEFT_EXAMPLES_SCENARIOS_DIR,
                 WEFT_CONFORMANCE_SCENARIOS_DIR);
    return false;
  }
  for (strategy_kind k : {strategy_kind::random, strategy_kind::pct}) {
    for (const auto& f : examples)
      benchmark::RegisterBenchmark(("explore/" + std::string(name_of(k)) + "/" + f.stem).c_str(), explore_scenario,
                                   &f, k)
          ->Unit(benchmark::kMillisecond);
    for (const auto& f : examples)
      benchmark::RegisterBenchmark(("explore_runs_only/" + std::string(name_of(k)) + "/" + f.stem).c_str(),
                                   explore_runs_only, &f, k)
          ->Unit(benchmark::kMillisecond);
  }
  // The coverage strategy learns from the runs explore feeds it: explore only
  // (its schedules/s against random's is what collecting coverage costs).
  for (const auto& f : examples)
    benchmark::RegisterBenchmark(("explore/coverage/" + f.stem).c_str(), explore_scenario, &f, strategy_kind::coverage)
        ->Unit(benchmark::kMillisecond);
  // Sanitizers slow a run 10-25 times: the smoke test keeps to smaller trees there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const int depths[] = {10, 12};
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  const int depths[] = {10, 12};
#else
  const int depths[] = {10, 15};
#endif
#else
  const int depths[] = {10, 15};
#endif
  const std::pair<fan_out_config, const char*> configs[] = {
      {fan_out_config::trace, "trace"}, {fan_out_config::fifo, "fifo"},     {fan_out_config::pct, "pct"},
      {fan_out_config::random, "random"}, {fan_out_config::dfs, "dfs"}, {fan_out_config::replay_pct, "replay_pct"}};
  for (int depth : depths) {
    add_fan_out(depth);
    for (const auto& [config, name] : configs)
      benchmark::RegisterBenchmark(("fan_out/" + std::string(name) + "/" + std::to_string(1 << depth)).c_str(),
                                   fan_out, &fan_outs.back(), config)
          ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("parse_conformance_scenarios", parse_conformance_scenarios)
      ->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (!register_all()) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
