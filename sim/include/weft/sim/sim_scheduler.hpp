#pragma once
/// The simulator's weft::scheduler: every open choice of a run goes to a
/// strategy and is recorded as a decision.

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
#include "weft/sim/schedule.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// Faults the simulator may inject (off by default).
struct fault_options {
  bool cancel = false;        ///< cancel a task where it suspends on a future
  bool jitter = false;        ///< fire timers late
  std::uint32_t jitter_ticks = 1;  ///< at most this many ticks late
  weft::duration tick = std::chrono::seconds(1);  ///< a scenario tick is a second
  bool swarm = false;  ///< each run enables a seed-chosen subset of fault sites (by task)
};

/// Asks `s` at every decision and records what it chose. Recording can be
/// turned off (FIFO costs nothing then).
class sim_scheduler final : public weft::scheduler {
 public:
  sim_scheduler(strategy& s, fault_options faults, std::uint64_t swarm_seed = 0, bool record = true);

  std::size_t pick(std::span<const ready_entry> ready) override;
  void order_due(std::span<due_timer> due) override;
  void on_suspend(any_task& task) override;
  time_point timer_deadline(time_point when) override;

  /// The decisions taken so far.
  const schedule& recorded() const noexcept { return recorded_; }

 private:
  std::size_t decide(decision_kind kind, std::size_t options, std::span<const std::string> ids = {},
                     std::span<const std::string> sites = {});
  bool fault_site_enabled(const std::string& task) const;
  void record(decision_kind kind, std::size_t options, std::size_t c, std::uint64_t ordinal, std::string chosen,
              std::string displaced, std::string chosen_site, std::string displaced_site);

  strategy& strategy_;
  fault_options faults_;
  std::uint64_t swarm_seed_;
  bool record_;
  bool first_only_;  // a strategy that always takes option 0, nothing recorded: ask nobody
  schedule recorded_;
  std::uint64_t ordinals_[4] = {};
  std::map<std::string, std::uint64_t> heads_;
  std::vector<std::string> ids_, sites_;  // scratch, reused per decision
  std::map<std::string, std::size_t, std::less<>> ranks_;  // scratch: callbacks seen per identity base
};

}  // namespace weft::sim
