#pragma once
// Fuzzing the schedules of a scenario: what fuzz_schedule and the targets of
// weft_add_scenario_fuzzer share.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include <weft/scenario/interpreter.hpp>
#include <weft/scenario/parse.hpp>
#include <weft/scenario/sim_program.hpp>
#include <weft/sim/fuzz.hpp>

#include "embedded_file.hpp"

namespace weft::fuzz {

// The decisions a scenario's schedule fuzzer may take: reorderings, and the
// injected cancellations `weft explore --faults cancel` explores.
inline weft::sim::fault_options scenario_faults() {
  weft::sim::fault_options f;
  f.cancel = true;
  f.tick = weft::scenario::tick;
  return f;
}

// Reorderings only, as `weft explore` without --faults.
inline weft::sim::fault_options no_faults() {
  weft::sim::fault_options f;
  f.tick = weft::scenario::tick;
  return f;
}

// The scenario parsed once per process (parsing is not what is fuzzed here).
// An embedded file that does not parse is a build mistake: abort.
inline const weft::scenario::program& parsed(const embedded_file& f) {
  static std::map<std::string_view, weft::scenario::program> cache;
  auto it = cache.find(f.path);
  if (it == cache.end()) {
    try {
      it = cache.emplace(f.path, weft::scenario::parse(f.text, std::string(f.path))).first;
    } catch (const weft::scenario::bad_input& e) {
      std::fprintf(stderr, "embedded scenario is bad input: %s\n", e.what());
      std::abort();
    }
  }
  return it->second;
}

// One run of `f` with the decisions taken from `data`. A failing run (a failed
// assert, main raising, a deadlock, the step limit) is a finding: it prints
// the trace and `weft replay FILE --schedule TOKEN`, then aborts.
inline void fuzz_scenario_schedule(const embedded_file& f, FuzzedDataProvider& data,
                                   const weft::sim::fault_options& faults = scenario_faults()) {
  const weft::sim::program prog = weft::scenario::sim_program(parsed(f));
  const weft::sim::recorded_run run = weft::sim::fuzz_run(prog, data, faults);
  if (!run.result.failed) return;
  std::fprintf(stderr, "weft fuzz: scenario %.*s\n", static_cast<int>(f.path.size()), f.path.data());
  weft::sim::report_finding(
      prog, run,
      [&](const std::string& token) { return "weft replay " + std::string(f.path) + " --schedule " + token; },
      faults.tick);
}

}  // namespace weft::fuzz
