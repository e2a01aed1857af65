#pragma once
/// Schedules as rapidcheck inputs: a generator of schedules that shrinks
/// toward FIFO, and the strategy that runs one.
///
/// A generated schedule is sparse: the few decisions that deviate from FIFO,
/// each at a position counted from the start of the run. Every generated
/// value is a valid schedule for every program (a choice is taken modulo the
/// options a decision has; a position past the end of the run is unused), so
/// rapidcheck can shrink it freely. Shrinking goes toward FIFO in this order:
/// fewer deviations, then smaller choices (and earlier positions), then fewer
/// faults.

#include <cstdint>
#include <map>
#include <ostream>
#include <vector>

#include <rapidcheck.h>

#include <weft/sim/strategy.hpp>

namespace weft::props {

/// At the `position`-th ordering decision of a run (ready callbacks and
/// timers due together, counted from 0), take option `choice` modulo the
/// options there (choice >= 1: 0 is FIFO).
struct deviation {
  std::uint32_t position = 0;
  std::uint32_t choice = 1;
  friend bool operator==(const deviation&, const deviation&) = default;
};

/// A fault at the `position`-th fault site of its kind: a cancel where a
/// task suspends, or a timer fired `ticks` late.
struct fault {
  std::uint32_t position = 0;
  std::uint32_t ticks = 1;  ///< jitter only
  friend bool operator==(const fault&, const fault&) = default;
};

/// A schedule as a property's input.
struct generated_schedule {
  std::vector<deviation> deviations;
  std::vector<fault> cancels;
  std::vector<fault> jitters;
  friend bool operator==(const generated_schedule&, const generated_schedule&) = default;
};

/// How schedules are generated.
struct schedule_options {
  std::uint32_t max_deviations = 8;   ///< at most this many deviations
  std::uint32_t max_position = 64;    ///< positions drawn from [0, max_position)
  std::uint32_t max_choice = 8;       ///< choices drawn from [1, max_choice]
  bool cancel_faults = false;         ///< generate injected cancels
  bool jitter_faults = false;         ///< generate late timers
  std::uint32_t max_faults = 3;       ///< at most this many faults of each kind
  std::uint32_t max_jitter_ticks = 3; ///< a late timer is 1..max_jitter_ticks ticks late
};

/// The rapidcheck generator of schedules (see the file comment).
rc::Gen<generated_schedule> gen_schedule(const schedule_options& opts = {});

/// Shows a schedule in a counterexample: "FIFO" or its deviations and faults.
void showValue(const generated_schedule& s, std::ostream& os);

/// Runs a generated schedule: a weft::sim strategy.
class generated_strategy final : public sim::strategy {
 public:
  explicit generated_strategy(const generated_schedule& s);
  std::size_t choose(const sim::choice_point& p) override;
  bool wants(sim::decision_kind) const override { return true; }

 private:
  std::map<std::uint32_t, std::uint32_t> ordering_, cancels_, jitters_;  // position -> choice
  std::uint32_t seen_ordering_ = 0, seen_cancels_ = 0, seen_jitters_ = 0;
};

}  // namespace weft::props
