#pragma once
/// Making a failing schedule small, and naming the race in it.

#include <chrono>
#include <vector>

#include "weft/sim/failure.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// Minimises a failing schedule (fewer deviations and faults, smaller
/// choices, shorter) while the run fails the same way (same_failure); returns
/// the smaller schedule with its run. Candidates are replayed by identity, as
/// replay_run does, so a fault stays on the task step it hit. The result is
/// 1-minimal: flipping any one of its deviations back to FIFO (and replaying
/// by identity) makes the run pass or fail differently. `failing` must
/// replay to `failed`; if not, it comes back unchanged. `tick` is the unit of
/// jitter lateness.
recorded_run shrink(const program& prog, const schedule& failing, const failure& failed,
                    weft::duration tick = std::chrono::seconds(1));

/// The deviations of `s` whose flip back to FIFO makes the run pass or fail
/// differently, each flip replayed by identity: the race. For a schedule
/// shrink() returned, every deviation. Reports describe each (describe(decision)).
std::vector<decision> name_race(const program& prog, const schedule& s, const failure& failed,
                                weft::duration tick = std::chrono::seconds(1));

}  // namespace weft::sim
