#include "weft/sim/pct.hpp"

#include <algorithm>
#include <string_view>

namespace weft::sim {

pct::pct(std::uint64_t seed, unsigned depth, std::uint64_t steps)
    : seed_(seed), rng_(seed), depth_(depth ? depth : 1), steps_(steps ? steps : 1) {}

void pct::start_run(std::uint64_t run_index) {
  std::uint64_t s = seed_ ^ (0x2545f4914f6cdd1dULL * (run_index + 1));
  rng_ = rng(splitmix64(s));
  step_ = 0;
  priorities_.clear();
  change_points_.clear();
  for (unsigned i = 0; i + 1 < depth_; ++i) change_points_.push_back(1 + rng_.below(steps_));
  std::sort(change_points_.begin(), change_points_.end());
}

std::uint64_t pct::priority_of(std::string_view task) {
  // A task's priority is per task, not per step. Callbacks with no task of
  // their own, and the tasks asyncio makes for a combinator ("~..."), share
  // one priority, as one thread.
  if (task.empty() || task[0] == '~') task = "~callback";
  auto it = priorities_.find(task);
  if (it != priorities_.end()) return it->second;
  // Initial priorities are distinct and above every change-point priority
  // (0 .. depth-2): depth + a random draw, ties broken by arrival.
  std::uint64_t p = depth_ + (rng_.below(1u << 20) << 20) + priorities_.size();
  priorities_.emplace(std::string(task), p);
  return p;
}

std::size_t pct::highest(const choice_point& p) {
  std::size_t best = 0;
  std::uint64_t best_priority = 0;
  for (std::size_t i = 0; i < p.ready->size(); ++i) {
    std::uint64_t pr = priority_of(p.ready->task_name(i));
    if (i == 0 || pr > best_priority) {
      best = i;
      best_priority = pr;
    }
  }
  return best;
}

std::size_t pct::choose(const choice_point& p) {
  if (p.kind != decision_kind::ready || !p.ready) return static_cast<std::size_t>(rng_.below(p.options));
  ++step_;
  // At the i-th change point the task about to run drops to priority depth-2-i,
  // below every initial priority.
  for (std::size_t i = 0; i < change_points_.size(); ++i)
    if (change_points_[i] == step_) {
      const std::string task = p.ready->task_name(highest(p));
      priorities_[task.empty() || task[0] == '~' ? std::string("~callback") : task] = depth_ - 2 - i;
    }
  return highest(p);
}

}  // namespace weft::sim
