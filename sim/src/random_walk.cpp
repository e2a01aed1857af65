#include "weft/sim/random_walk.hpp"

namespace weft::sim {

void random_walk::start_run(std::uint64_t run_index) {
  // Each run's stream depends only on (seed, run index): runs can be split
  // across jobs and shards and still draw the same numbers.
  std::uint64_t s = seed_ ^ (0x5851f42d4c957f2dULL * (run_index + 1));
  rng_ = rng(splitmix64(s));
}

std::size_t random_walk::choose(const choice_point& p) {
  if (p.kind == decision_kind::cancel) return rng_.chance(1, 8) ? 1 : 0;  // faults stay rare
  return static_cast<std::size_t>(rng_.below(p.options));
}

}  // namespace weft::sim
