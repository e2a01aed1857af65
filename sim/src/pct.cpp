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

std::uint64_t pct::priority_of(const std::string& identity) {
  // A task's priority is per task, not per step: strip "#STEP". Callbacks
  // with no task of their own ("~...") share one priority, as one thread.
  const std::string_view task =
      identity[0] == '~' ? std::string_view("~callback") : std::string_view(identity).substr(0, identity.rfind('#'));
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
  for (std::size_t i = 0; i < p.identities.size(); ++i) {
    std::uint64_t pr = priority_of(p.identities[i]);
    if (i == 0 || pr > best_priority) {
      best = i;
      best_priority = pr;
    }
  }
  return best;
}

std::size_t pct::choose(const choice_point& p) {
  if (p.kind != decision_kind::ready || p.identities.empty()) return static_cast<std::size_t>(rng_.below(p.options));
  ++step_;
  // At the i-th change point the task about to run drops to priority depth-2-i,
  // below every initial priority.
  for (std::size_t i = 0; i < change_points_.size(); ++i)
    if (change_points_[i] == step_) {
      const std::string& id = p.identities[highest(p)];
      priorities_[id[0] == '~' ? std::string("~callback") : id.substr(0, id.rfind('#'))] = depth_ - 2 - i;
    }
  return highest(p);
}

}  // namespace weft::sim
