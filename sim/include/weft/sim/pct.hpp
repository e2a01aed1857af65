#pragma once
/// PCT, probabilistic concurrency testing.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "weft/sim/rng.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010). Each task
/// gets a random distinct priority; the highest-priority ready task runs; at
/// d-1 random steps (change points) the running task drops below every initial
/// priority. A bug of depth d is found in each run with probability at least
/// 1/(n * k^(d-1)) for n tasks and k steps.
class pct : public strategy {
 public:
  /// depth: the bug depth d (>= 1); steps: the expected number of steps k
  /// per run (the change points are drawn from [1, k]).
  pct(std::uint64_t seed, unsigned depth, std::uint64_t steps);
  void start_run(std::uint64_t run_index) override;
  bool needs_identities() const override { return true; }
  std::size_t choose(const choice_point& p) override;

 private:
  // Looked up by string_view without building a string.
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // Task names get a number once per strategy, not once per run (no string
  // is built for a name seen before); a name's priority is drawn anew in
  // each run, on its first candidate.
  using task_ids = std::unordered_map<std::string, std::uint32_t, name_hash, std::equal_to<>>;
  struct priority {
    std::uint64_t value;
    std::uint64_t run;  // the run that drew it
  };
  std::uint32_t priority_of(std::string_view task);
  std::uint32_t task_id(std::string_view task);
  void start_batch(const choice_point& p);
  void rank(const choice_point& p);
  std::size_t highest(const choice_point& p);
  std::uint64_t seed_;
  rng rng_;
  unsigned depth_;
  std::uint64_t steps_;
  std::uint64_t step_ = 0;
  std::vector<std::uint64_t> change_points_;  // sorted; the i-th lowers to depth_-2-i
  task_ids ids_;                     // never iterated: its order cannot matter
  // The names last looked up, by the address their text was read from.
  struct recent {
    const char* data = nullptr;
    const std::string* name = nullptr;  // a key of ids_
    std::uint32_t id = 0;
  };
  std::array<recent, 64> recent_{};
  std::vector<priority> priorities_;  // by task number
  std::uint64_t run_ = 0;             // runs started
  std::uint64_t drawn_ = 0;           // priorities drawn in this run
  // The batch of ready callbacks being decided (ready_candidates::batch):
  // each position's priority, and a heap of (priority, position), so that a
  // decision does not read every candidate.
  std::uint64_t batch_ = 0;
  std::vector<std::uint32_t> priority_at_;  // task number by position
  std::vector<std::pair<std::uint64_t, std::size_t>> heap_;
};

}  // namespace weft::sim
