#include "weft/sim/shrink.hpp"

#include <algorithm>
#include <string>

namespace weft::sim {

namespace {

bool fails_alike(const run_result& r, const failure& failed) { return r.failed && same_failure(*r.failed, failed); }

/// Runs `s` as a token replays it: each deviation and fault applies to the
/// task step it names. A deviation the run never reaches is not taken; the
/// run's own record says what was.
recorded_run replay_by_identity(const program& prog, const schedule& s, weft::duration tick) {
  recorded_run r;
  std::string mismatch;
  r.result = replay_run(prog, s, mismatch, &r.decisions, tick);
  return r;
}

}  // namespace

recorded_run shrink(const program& prog, const schedule& failing, const failure& failed, weft::duration tick) {
  recorded_run best = replay_by_identity(prog, failing, tick);
  // A schedule that does not repeat its failure cannot be shrunk against it.
  if (!fails_alike(best.result, failed)) {
    best.decisions = failing;
    return best;
  }
  std::vector<decision>& decisions = best.decisions.decisions;  // best is assigned to, never rebound
  // A candidate is kept if it fails the same way, read either way: by
  // position (the i-th decision takes the i-th choice), which lets a later
  // reordering slide onto the step that now stands where it stood, or by
  // identity, which keeps a fault on the step it hit (issue #13: by position
  // alone, undoing a reordering moved a cancel onto another suspension).
  // Position goes first so fault-free reports stay as they were. The kept
  // run's record (what it actually took) replaces the current schedule.
  auto attempt = [&](const schedule& candidate) {
    for (bool by_position : {true, false}) {
      recorded_run r = by_position ? replay_run_by_position(prog, candidate, tick)
                                   : replay_by_identity(prog, candidate, tick);
      if (fails_alike(r.result, failed)) {
        best = std::move(r);
        return true;
      }
    }
    return false;
  };
  auto deviation_positions = [&] {
    std::vector<std::size_t> pos;
    for (std::size_t i = 0; i < decisions.size(); ++i)
      if (decisions[i].choice) pos.push_back(i);
    return pos;
  };
  // Until a whole round changes nothing: then pass 2 has just flipped each
  // deviation of the final schedule, read both ways, so the result is
  // 1-minimal by identity (name_race) and by position.
  for (bool changed = true; changed;) {
    changed = false;
    // 1. Shorter: the fewest leading deviations that still fail (binary search).
    std::vector<std::size_t> pos = deviation_positions();
    std::size_t lo = 0, hi = pos.size();
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      schedule c = best.decisions;
      for (std::size_t k = mid; k < pos.size(); ++k) c.decisions[pos[k]].choice = 0;
      if (attempt(c)) {
        changed = true;
        pos = deviation_positions();
        hi = std::min(mid, pos.size());
        lo = std::min(lo, hi);
      } else {
        lo = mid + 1;
      }
    }
    // 2. Fewer: each remaining deviation back to FIFO, last first.
    pos = deviation_positions();
    for (std::size_t k = pos.size(); k-- > 0;) {
      if (pos[k] >= decisions.size() || !decisions[pos[k]].choice) continue;
      schedule c = best.decisions;
      c.decisions[pos[k]].choice = 0;
      if (attempt(c)) changed = true;
    }
    // 3. Smaller: each remaining choice one step closer to FIFO. A ready
    // choice lowered names no identity: replay takes it by index at the
    // step its displaced identity names.
    pos = deviation_positions();
    for (std::size_t p : pos) {
      if (p >= decisions.size() || decisions[p].choice < 2) continue;
      schedule c = best.decisions;
      decision& d = c.decisions[p];
      --d.choice;
      if (d.kind == decision_kind::ready) d.chosen.clear();
      if (attempt(c)) changed = true;
    }
  }
  // Trailing FIFO decisions say nothing: drop them.
  while (!decisions.empty() && decisions.back().choice == 0) decisions.pop_back();
  return best;
}

std::vector<decision> name_race(const program& prog, const schedule& s, const failure& failed, weft::duration tick) {
  std::vector<decision> race;
  for (std::size_t i = 0; i < s.decisions.size(); ++i) {
    if (!s.decisions[i].choice) continue;
    schedule c = s;
    c.decisions[i].choice = 0;
    if (!fails_alike(replay_by_identity(prog, c, tick).result, failed)) race.push_back(s.decisions[i]);
  }
  return race;
}

}  // namespace weft::sim
