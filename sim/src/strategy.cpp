#include "weft/sim/strategy.hpp"

#include <algorithm>
#include <string_view>

namespace weft::sim {

// ---- random walk ----

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

// ---- PCT ----

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
  // A task's priority is per task, not per step: strip "#STEP".
  const std::string_view task = std::string_view(identity).substr(0, identity.rfind('#'));
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
      priorities_[id.substr(0, id.rfind('#'))] = depth_ - 2 - i;
    }
  return highest(p);
}

// ---- delay-bounded search ----

void delay_bounded::start_run(std::uint64_t) {
  taken_.clear();
  pos_ = 0;
}

std::size_t delay_bounded::choose(const choice_point& p) {
  std::uint32_t c = pos_ < prefix_.size() ? prefix_[pos_] : 0;
  if (c >= p.options) c = 0;  // cannot happen on a deterministic program
  taken_.emplace_back(static_cast<std::uint32_t>(p.options), c);
  ++pos_;
  return c;
}

bool delay_bounded::next_run() {
  // Depth first: the deepest decision that can take its next option within
  // the delay budget moves on; everything after it starts again from FIFO.
  std::uint64_t used = 0;
  for (auto& [options, choice] : taken_) used += choice;
  for (std::size_t i = taken_.size(); i-- > 0;) {
    auto [options, choice] = taken_[i];
    used -= choice;
    if (choice + 1 < options && used + choice + 1 <= max_delays_) {
      prefix_.clear();
      for (std::size_t j = 0; j < i; ++j) prefix_.push_back(taken_[j].second);
      prefix_.push_back(choice + 1);
      return true;
    }
  }
  exhausted_ = true;
  return false;
}

// ---- replay ----

replay::replay(schedule s) : s_(std::move(s)) {
  for (std::size_t i = 0; i < s_.decisions.size(); ++i)
    if (s_.decisions[i].choice != 0) pending_.push_back(i);
}

std::size_t replay::choose(const choice_point& p) {
  std::uint64_t ordinal = seen_[p.kind]++;
  std::uint64_t head = p.kind == decision_kind::ready && !p.identities.empty() ? heads_[p.identities[0]]++ : 0;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const decision& d = s_.decisions[*it];
    if (d.kind != p.kind) continue;
    if (p.kind == decision_kind::ready) {
      // Deviations apply in order: only the first pending one may match.
      if (p.identities.empty() || p.identities[0] != d.displaced || head != d.ordinal) return 0;
      auto c = std::find(p.identities.begin(), p.identities.end(), d.chosen);
      if (c == p.identities.end()) {
        if (mismatch_.empty())
          mismatch_ = "when " + d.displaced + " was next, " + d.chosen + " was not ready (the program changed?)";
        return 0;
      }
      pending_.erase(it);
      return static_cast<std::size_t>(c - p.identities.begin());
    }
    if (p.kind == decision_kind::cancel) {
      if (p.identities.empty() || p.identities[0] != d.chosen) return 0;
      pending_.erase(it);
      return 1;
    }
    // Timer order and jitter: by their order among decisions of their kind.
    if (d.ordinal != ordinal) return 0;
    pending_.erase(it);
    return d.choice < p.options ? d.choice : 0;
  }
  return 0;
}

std::string replay::mismatch() const {
  if (!mismatch_.empty()) return mismatch_;
  if (pending_.empty()) return {};
  const decision& d = s_.decisions[pending_.front()];
  if (d.kind == decision_kind::ready) return "the run never reached " + d.displaced + " (the program changed?)";
  if (d.kind == decision_kind::cancel) return "the run never suspended " + d.chosen + " (the program changed?)";
  return "the run had fewer timer decisions than the token (the program changed?)";
}

}  // namespace weft::sim
