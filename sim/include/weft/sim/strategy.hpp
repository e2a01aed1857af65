#pragma once
/// Exploration strategies: how the simulator takes each decision. One class
/// per strategy, as shuttle does: random walk, PCT, delay-bounded search,
/// replay, and FIFO (which records nothing).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weft/scheduler.hpp"
#include "weft/sim/rng.hpp"
#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// What a strategy sees at a decision: its kind, the number of options, and
/// for ready decisions the identities of the candidates (FIFO order).
struct choice_point {
  decision_kind kind;
  std::size_t options;
  std::span<const std::string> identities;  // empty unless kind == ready
};

/// Takes decisions. Called only where there are at least two options.
class strategy {
 public:
  virtual ~strategy() = default;
  /// A new run begins (run_index counts from 0 within an exploration).
  virtual void start_run(std::uint64_t run_index) { (void)run_index; }
  /// The choice at `p`, in [0, p.options).
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

/// Uniformly random choices from a seed; each run gets its own derived seed.
class random_walk : public strategy {
 public:
  explicit random_walk(std::uint64_t seed) : seed_(seed), rng_(seed) {}
  void start_run(std::uint64_t run_index) override;
  std::size_t choose(const choice_point& p) override;

 protected:
  std::uint64_t seed_;
  rng rng_;
};

/// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
/// Nagarakatte, ASPLOS 2010). Each task gets a random distinct priority; the
/// highest-priority ready task runs; at d-1 random steps (change points) the
/// running task drops below every initial priority. A bug of depth d is found
/// in each run with probability at least 1/(n * k^(d-1)) for n tasks and k steps.
class pct : public strategy {
 public:
  /// depth: the bug depth d (>= 1); steps: the expected number of steps k
  /// per run (the change points are drawn from [1, k]).
  pct(std::uint64_t seed, unsigned depth, std::uint64_t steps);
  void start_run(std::uint64_t run_index) override;
  bool needs_identities() const override { return true; }
  std::size_t choose(const choice_point& p) override;

 private:
  std::uint64_t priority_of(const std::string& identity);
  std::size_t highest(const choice_point& p);
  std::uint64_t seed_;
  rng rng_;
  unsigned depth_;
  std::uint64_t steps_;
  std::uint64_t step_ = 0;
  std::vector<std::uint64_t> change_points_;  // sorted; the i-th lowers to depth_-1-i
  std::map<std::string, std::uint64_t, std::less<>> priorities_;  // by task name (ordered: deterministic)
};

/// Delay-bounded exhaustive search (Emmi, Qadeer, Rakamarić, POPL 2011):
/// choosing the i-th option costs i delays; visits every schedule whose delays
/// add up to at most max_delays, each once, in depth-first order.
class delay_bounded : public strategy {
 public:
  explicit delay_bounded(std::uint64_t max_delays) : max_delays_(max_delays) {}
  void start_run(std::uint64_t run_index) override;
  std::size_t choose(const choice_point& p) override;
  bool next_run() override;
  /// True once every schedule within the bound was run.
  bool exhausted() const noexcept { return exhausted_; }

 private:
  std::uint64_t max_delays_;
  std::vector<std::uint32_t> prefix_;                       // choices to replay first
  std::vector<std::pair<std::uint32_t, std::uint32_t>> taken_;  // (options, choice) this run
  std::size_t pos_ = 0;
  bool exhausted_ = false;
};

/// Replays a recorded schedule. Deviations are matched by identity ("when
/// TASK#STEP would run, run OTHER#STEP instead"); faults and timer choices by
/// their order among decisions of their kind.
class replay : public strategy {
 public:
  explicit replay(schedule s);
  std::size_t choose(const choice_point& p) override;
  bool wants(decision_kind) const override { return true; }
  bool needs_identities() const override { return true; }
  /// Empty if the whole schedule applied; else why the token does not fit.
  std::string mismatch() const;

 private:
  schedule s_;
  std::vector<std::size_t> pending_;  // indices of deviations not applied yet, in order
  std::map<decision_kind, std::uint64_t> seen_;  // decisions met so far, per kind
  std::map<std::string, std::uint64_t> heads_;
  std::string mismatch_;
};

}  // namespace weft::sim
