#pragma once
/// How the simulator takes each decision: the strategy interface, and FIFO.
/// Each strategy has its own header, as shuttle keeps one per file:
/// random_walk.hpp, pct.hpp, delay_bounded.hpp, replay.hpp.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// What a strategy sees at a decision: its kind, the number of options, and
/// for ready decisions the identities of the candidates (FIFO order).
struct choice_point {
  decision_kind kind;
  std::size_t options;
  std::span<const std::string> identities;  // empty unless kind == ready and needs_identities()
};

/// Takes decisions. Called only where there are at least two options.
class strategy {
 public:
  virtual ~strategy() = default;
  /// A new run begins (run_index counts from 0 within an exploration).
  virtual void start_run(std::uint64_t run_index) { (void)run_index; }
  /// The choice at `p`, in [0, p.options); anything else is a bug the
  /// scheduler reports (std::logic_error).
  virtual std::size_t choose(const choice_point& p) = 0;
  /// After a run: false when the strategy has nothing more to try (DFS).
  virtual bool next_run() { return true; }
  /// Whether choose() reads the candidates' identities (computing them costs).
  virtual bool needs_identities() const { return false; }
  /// True for a strategy whose every choice is 0 (FIFO): a scheduler that
  /// records nothing need not ask it.
  virtual bool always_first() const { return false; }
  /// Whether this strategy explores faults of `kind` at all.
  virtual bool wants(decision_kind kind) const { return kind == decision_kind::ready || kind == decision_kind::timer; }
};

/// asyncio's order: always the first option. With a sim_scheduler that does
/// not record, the simulator's machinery without its choices (what the
/// benchmarks compare with the production FIFO loop).
class fifo final : public strategy {
 public:
  std::size_t choose(const choice_point&) override { return 0; }
  bool always_first() const override { return true; }
};

}  // namespace weft::sim
