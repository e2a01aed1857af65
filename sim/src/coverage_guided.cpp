#include "weft/sim/coverage_guided.hpp"

#include <algorithm>

namespace weft::sim {

void coverage_corpus::add(const recorded_run& r) {
  bool fresh = false;
  std::vector<std::uint32_t> focus;
  for (std::size_t i = 0; i < r.features.size(); ++i)
    if (seen_[r.features[i]]++ == 0) {
      fresh = true;
      if (i < r.feature_at.size()) focus.push_back(r.feature_at[i]);
    }
  if (!fresh) return;
  entry e{{}, r.features, std::move(focus), 0};
  e.plan.reserve(r.decisions.decisions.size());
  for (const decision& d : r.decisions.decisions) e.plan.push_back({d.kind, d.options, d.choice});
  entries_.push_back(std::move(e));
}

void coverage_corpus::finish_generation() {
  cumulative_.clear();
  std::uint64_t total = 0;
  for (entry& e : entries_) {
    e.weight = 0;
    for (std::uint64_t f : e.features) e.weight += (std::uint64_t{1} << 32) / seen_.at(f);
    total += e.weight;
    cumulative_.push_back(total);
  }
}

const coverage_corpus::entry& coverage_corpus::choose(rng& r) const {
  // Half the time one of the newest few: the frontier, where a chain of new
  // pairs grows one link at a time.
  if (r.chance(1, 2)) {
    const std::size_t n = std::min<std::size_t>(entries_.size(), 4);
    return entries_[entries_.size() - 1 - static_cast<std::size_t>(r.below(n))];
  }
  if (cumulative_.size() != entries_.size() || cumulative_.back() == 0)
    return entries_[static_cast<std::size_t>(r.below(entries_.size()))];
  const std::uint64_t x = r.below(cumulative_.back());
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  return entries_[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_.begin()), entries_.size() - 1)];
}

void coverage_guided::start_run(std::uint64_t run_index) {
  std::uint64_t s = seed_ ^ (0xc2b2ae3d27d4eb4fULL * (run_index + 1));
  rng_ = rng(splitmix64(s));
  plan_.clear();
  at_ = 0;
  // A fresh run (half the runs, and every run before the corpus has
  // anything) is new ground besides the mutations: half of them a random
  // walk, half a PCT run, whose priorities find in a few runs the bugs where
  // one task must keep running before the others, which a random walk meets
  // once in hundreds. The runs before the corpus has anything are all PCT's:
  // with the same seed, the first generation is exactly PCT's first runs.
  // A mutated run chooses past its plan as the random walk does.
  pct_.start_run(run_index);
  pct_run_ = corpus_.entries().empty();
  if (pct_run_) return;
  if (rng_.chance(1, 2)) {
    pct_run_ = rng_.chance(1, 2);
    return;
  }
  mutate(corpus_.choose(rng_));
}

void coverage_guided::mutate(const coverage_corpus::entry& e) {
  plan_ = e.plan;
  if (plan_.empty()) return;
  // Half the time at (or just after) a decision where the schedule showed
  // something new, else anywhere.
  auto position = [&] {
    if (!e.focus.empty() && rng_.chance(1, 2)) {
      const std::size_t at = e.focus[static_cast<std::size_t>(rng_.below(e.focus.size()))] + rng_.below(3);
      return std::min(at, plan_.size() - 1);
    }
    return static_cast<std::size_t>(rng_.below(plan_.size()));
  };
  // A different option at decision k (the first option too: undoing a deviation).
  auto flip = [&](std::size_t k) {
    coverage_corpus::step& d = plan_[k];
    if (d.options > 1) d.choice = static_cast<std::uint32_t>((d.choice + 1 + rng_.below(d.options - 1)) % d.options);
  };
  const std::uint64_t kind = rng_.below(20);
  if (kind < 7) {  // the schedule's start as it was, then new ground
    plan_.resize(position());
  } else if (kind < 12) {  // one decision flipped, then new ground
    const std::size_t k = position();
    flip(k);
    plan_.resize(k + 1);
  } else if (kind < 15) {  // one decision flipped, the rest as it was
    flip(position());
  } else if (kind < 17) {  // a task delayed: at a few ready decisions in a row, not what ran there
    const std::size_t k = position();
    const std::size_t n = 1 + static_cast<std::size_t>(rng_.below(4));
    for (std::size_t j = k; j < std::min(plan_.size(), k + n); ++j)
      if (plan_[j].kind == decision_kind::ready) flip(j);
  } else if (kind < 19) {  // spliced: this schedule's start, another's end
    const coverage_corpus::entry& other = corpus_.choose(rng_);
    const std::size_t k = position();
    plan_.resize(k);
    plan_.insert(plan_.end(), other.plan.begin() + static_cast<std::ptrdiff_t>(std::min(k, other.plan.size())),
                 other.plan.end());
  } else {  // havoc: several flips
    for (std::uint64_t n = 2 + rng_.below(3); n > 0; --n) flip(position());
  }
}

std::size_t coverage_guided::choose(const choice_point& p) {
  const std::size_t k = at_++;
  if (pct_run_) return pct_.choose(p);
  // Follow the plan while the run still fits it (same kind and options at
  // the same position); then choose as the random walk does.
  if (k < plan_.size() && plan_[k].kind == p.kind && plan_[k].options == p.options) return plan_[k].choice;
  if (p.kind == decision_kind::cancel) return rng_.chance(1, 8) ? 1 : 0;
  return static_cast<std::size_t>(rng_.below(p.options));
}

}  // namespace weft::sim
