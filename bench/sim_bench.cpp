// weft_sim_bench: the simulator's throughput (bench/README.md).
//
// - explore/STRATEGY/SCENARIO: one weft::sim::explore of a bundled scenario
//   (examples/scenarios/*.json, found at startup), 256 runs, seed 1; items
//   are schedules. A failing scenario also pays for shrinking its first
//   failure and naming the race, which explore always does.
// - explore_runs_only/STRATEGY/SCENARIO: the same 256 runs as explore's loop
//   runs them (strategy, recording sim_scheduler, failure and trace counts),
//   without the shrinking.
// - parse_conformance_scenarios: weft::scenario::parse over every
//   conformance/scenarios/*.json, read into memory at startup.

#include <algorithm>
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
      const weft::sim::recorded_run r = weft::sim::run_once(prog, *strat, opts.faults);
      traces.insert(weft::sim::trace_hash(r.result.trace));
      if (r.result.failed) ++found.failures;
    }
    found.distinct_traces = traces.size();
    schedules += opts.runs;
    if (!check(state, found == expected, "explore_runs_only: the runs differ from explore's")) break;
  }
  report(state, schedules, expected);
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
