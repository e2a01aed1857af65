#include "weft/sim/shrink.hpp"

#include <algorithm>

namespace weft::sim {

namespace {
bool fails_alike(const run_result& r, const failure& failed) { return r.failed && same_failure(*r.failed, failed); }
}  // namespace

recorded_run shrink(const program& prog, const schedule& failing, const failure& failed, weft::duration tick) {
  recorded_run best = replay_run_by_position(prog, failing, tick);
  best.decisions = failing;
  std::vector<decision>& decisions = best.decisions.decisions;  // best is assigned to, never rebound
  // A candidate is kept if it fails the same way; its recorded schedule
  // (with fresh identities) replaces the current one.
  auto attempt = [&](const schedule& candidate) {
    recorded_run r = replay_run_by_position(prog, candidate, tick);
    if (!fails_alike(r.result, failed)) return false;
    // Keep only what mattered: decisions past the candidate's are FIFO.
    best = std::move(r);
    return true;
  };
  auto deviation_positions = [&] {
    std::vector<std::size_t> pos;
    for (std::size_t i = 0; i < decisions.size(); ++i)
      if (decisions[i].choice) pos.push_back(i);
    return pos;
  };
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
    // 3. Smaller: each remaining choice one step closer to FIFO.
    pos = deviation_positions();
    for (std::size_t p : pos) {
      if (p >= decisions.size() || decisions[p].choice < 2) continue;
      schedule c = best.decisions;
      --c.decisions[p].choice;
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
    if (!fails_alike(replay_run_by_position(prog, c, tick).result, failed)) race.push_back(s.decisions[i]);
  }
  return race;
}

}  // namespace weft::sim
