#pragma once
/// The whole simulator: scheduler, strategies, runs, replay, shrinking,
/// exploration, reports, timelines and the C++ test-body API. Each part also has its own
/// header.

#include "weft/sim/coverage.hpp"
#include "weft/sim/coverage_guided.hpp"
#include "weft/sim/delay_bounded.hpp"
#include "weft/sim/explore.hpp"
#include "weft/sim/failure.hpp"
#include "weft/sim/pct.hpp"
#include "weft/sim/present_positions.hpp"
#include "weft/sim/random_walk.hpp"
#include "weft/sim/ready_batch.hpp"
#include "weft/sim/replay.hpp"
#include "weft/sim/report_format.hpp"
#include "weft/sim/rng.hpp"
#include "weft/sim/run.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/shrink.hpp"
#include "weft/sim/sim_scheduler.hpp"
#include "weft/sim/strategy.hpp"
#include "weft/sim/test.hpp"
#include "weft/sim/timeline.hpp"
