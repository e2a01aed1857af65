#pragma once
/// The random walk: every decision uniformly at random.

#include "weft/sim/rng.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// Uniformly random choices from a seed; each run gets its own derived seed,
/// so runs can be split across jobs and shards and still draw the same numbers.
/// Injected cancels stay rare (one suspension in eight).
class random_walk : public strategy {
 public:
  explicit random_walk(std::uint64_t seed) : seed_(seed), rng_(seed) {}
  void start_run(std::uint64_t run_index) override;
  std::size_t choose(const choice_point& p) override;

 private:
  std::uint64_t seed_;
  rng rng_;
};

}  // namespace weft::sim
