#pragma once
/// Delay-bounded exhaustive search.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// Delay-bounded search (Emmi, Qadeer, Rakamarić, POPL 2011): choosing the
/// i-th option costs i delays; visits every schedule whose delays add up to at
/// most max_delays, each once, in depth-first order. The program must be
/// deterministic: a replayed prefix that meets fewer options than it did
/// before ends the search (see divergence()).
class delay_bounded : public strategy {
 public:
  explicit delay_bounded(std::uint64_t max_delays) : max_delays_(max_delays) {}
  void start_run(std::uint64_t run_index) override;
  std::size_t choose(const choice_point& p) override;
  bool next_run() override;
  /// True once every schedule within the bound was run.
  bool exhausted() const noexcept { return exhausted_; }
  /// Why the search stopped early: the program did not repeat a decision
  /// point of the previous run (uncontrolled nondeterminism); empty if not.
  const std::string& divergence() const noexcept { return divergence_; }

 private:
  std::uint64_t max_delays_;
  std::vector<std::uint32_t> prefix_;                           // choices to replay first
  std::vector<std::pair<std::uint32_t, std::uint32_t>> taken_;  // (options, choice) this run
  std::size_t pos_ = 0;
  bool exhausted_ = false;
  std::string divergence_;
};

}  // namespace weft::sim
