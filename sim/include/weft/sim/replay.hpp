#pragma once
/// Replaying recorded schedules: by identity (tokens) and by position.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "weft/sim/schedule.hpp"
#include "weft/sim/strategy.hpp"

namespace weft::sim {

/// Replays a recorded schedule. Deviations are matched by identity ("when
/// TASK#STEP would run, run OTHER#STEP instead"; a ready deviation with no
/// chosen identity runs the candidate at its choice's index there), cancel
/// faults by the identity of the suspended step; timer and jitter choices by
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
  // Per kind (decision_kind as an index), the indices of its deviations in
  // order, and how many of them have applied.
  std::vector<std::size_t> pending_[decision_kinds];
  std::size_t next_[decision_kinds] = {};
  std::map<decision_kind, std::uint64_t> seen_;  // decisions met so far, per kind
  std::unordered_map<std::string, std::uint64_t> heads_;
  std::string mismatch_;
};

/// Replays decisions by their position: the i-th decision takes the i-th
/// recorded choice (FIFO where it no longer fits, and past the end). Once an
/// earlier choice changes, later ones land on other steps: the shrinker
/// replays by identity (replay) instead. `s` must outlive the strategy.
class replay_by_position final : public strategy {
 public:
  explicit replay_by_position(const schedule& s) : s_(s) {}
  std::size_t choose(const choice_point& p) override;
  bool wants(decision_kind) const override { return true; }

 private:
  const schedule& s_;
  std::size_t pos_ = 0;
};

}  // namespace weft::sim
