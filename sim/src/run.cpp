#include "weft/sim/run.hpp"

#include <algorithm>

#include "weft/sim/replay.hpp"

namespace weft::sim {

recorded_run run_once(const program& prog, strategy& s, const fault_options& faults, std::uint64_t swarm_seed) {
  sim_scheduler sched(s, faults, swarm_seed);
  if (s.wants_coverage()) sched.record_coverage();
  recorded_run r;
  r.result = prog(sched);
  r.decisions = sched.recorded();
  if (s.wants_coverage()) {
    r.accesses = sched.accesses();
    for (const auto& f : sched.features()) {
      r.features.push_back(f.hash);
      r.feature_at.push_back(f.at);
      r.feature_path.push_back(f.path);
      r.feature_level.push_back(f.level);
    }
  }
  return r;
}

fault_options replay_faults(const schedule& s, weft::duration tick) {
  fault_options f;
  f.tick = tick;
  for (const auto& d : s.decisions) {
    if (d.kind == decision_kind::cancel) f.cancel = true;
    if (d.kind == decision_kind::jitter) {
      f.jitter = true;
      f.jitter_ticks = std::max(f.jitter_ticks, d.options - 1);
    }
  }
  return f;
}

run_result replay_run(const program& prog, const schedule& s, std::string& mismatch, schedule* recorded,
                      weft::duration tick) {
  replay strat(s);
  recorded_run r = run_once(prog, strat, replay_faults(s, tick));
  mismatch = strat.mismatch();
  if (recorded) *recorded = std::move(r.decisions);
  return std::move(r.result);
}

recorded_run replay_run_by_position(const program& prog, const schedule& s, weft::duration tick) {
  replay_by_position strat(s);
  return run_once(prog, strat, replay_faults(s, tick));
}

std::uint64_t trace_hash(const std::vector<std::string>& trace) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& line : trace) {
    for (unsigned char c : line) h = (h ^ c) * 0x100000001b3ULL;
    h = (h ^ '\n') * 0x100000001b3ULL;
  }
  return h;
}

}  // namespace weft::sim
