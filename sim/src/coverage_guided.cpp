#include "weft/sim/coverage_guided.hpp"

#include <algorithm>

namespace weft::sim {

namespace {

/// Moves plan[from] to index `to`; the steps between shift by one and keep their order.
void move_step(std::vector<coverage_corpus::step>& plan, std::size_t from, std::size_t to) {
  const auto at = [&](std::size_t i) { return plan.begin() + static_cast<std::ptrdiff_t>(i); };
  if (from < to)
    std::rotate(at(from), at(from + 1), at(to + 1));
  else
    std::rotate(at(to), at(from), at(from + 1));
}

/// The writes (indices into `accesses`) that no other step read before the
/// object was written again or the run ended.
std::vector<std::uint32_t> lost_writes(const std::vector<shared_access>& accesses) {
  std::vector<std::uint32_t> lost;
  struct last {
    std::uint32_t write;
    bool read;
  };
  std::unordered_map<std::uint64_t, last> pending;  // by object
  for (std::uint32_t i = 0; i < accesses.size(); ++i) {
    const shared_access& a = accesses[i];
    const auto it = pending.find(a.object);
    if (!a.write) {
      if (it != pending.end() && accesses[it->second.write].step != a.step) it->second.read = true;
      continue;
    }
    if (it == pending.end()) {
      pending.emplace(a.object, last{i, false});
      continue;
    }
    if (!it->second.read) lost.push_back(it->second.write);
    it->second = {i, false};
  }
  for (const auto& [object, w] : pending)
    if (!w.read) lost.push_back(w.write);
  std::sort(lost.begin(), lost.end());  // the map's order is the library's
  return lost;
}

}  // namespace

void coverage_corpus::add(const recorded_run& r) {
  // A higher level on a known path is a new feature too (its hash has the
  // level in it), so a record is always kept.
  bool record = false;
  for (std::size_t i = 0; i < r.feature_path.size(); ++i) {
    const auto [it, first] = furthest_.try_emplace(r.feature_path[i], r.feature_level[i]);
    if (!first && r.feature_level[i] > it->second) {
      it->second = r.feature_level[i];
      record = true;
    }
  }
  bool fresh = false;
  std::vector<std::uint32_t> focus;
  for (std::size_t i = 0; i < r.features.size(); ++i)
    if (seen_[r.features[i]]++ == 0) {
      fresh = true;
      if (i < r.feature_at.size()) focus.push_back(r.feature_at[i]);
    }
  if (!fresh) return;
  if (record) records_.push_back(entries_.size());
  entry e{{}, r.features, std::move(focus), r.accesses, lost_writes(r.accesses), 0, record};
  e.plan.reserve(r.decisions.decisions.size());
  for (const decision& d : r.decisions.decisions)
    e.plan.push_back({d.kind, d.options, d.choice, d.kind == decision_kind::ready ? d.chosen : std::string()});
  entries_.push_back(std::move(e));
}

void coverage_corpus::finish_generation() {
  fresh_from_ = kept_from_;
  kept_from_ = entries_.size();
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
  // Half the time one of the two latest records, if there are any: where a
  // run went further along a path than any before it, the next step along
  // it is likeliest (batch after batch shipped empty, miss after miss).
  if (!records_.empty() && r.chance(1, 2)) {
    const std::size_t back = static_cast<std::size_t>(r.below(std::min<std::size_t>(records_.size(), 2)));
    return entries_[records_[records_.size() - 1 - back]];
  }
  // Else half the time (three in four when the last generation kept something)
  // one of the frontier: the schedules the last generation kept, else the
  // newest few. A chain of new pairs grows one link at a time there.
  const std::size_t recent = entries_.size() - fresh_from_;
  if (recent ? r.chance(3, 4) : r.chance(1, 2)) {
    const std::size_t n = recent ? recent : std::min<std::size_t>(entries_.size(), 4);
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
  fifo_from_ = SIZE_MAX;
  // A fresh run (a quarter of the runs, and every run before the corpus has
  // anything) is new ground besides the mutations: half of them a random
  // walk, half a PCT run, whose priorities find in a few runs the bugs where
  // one task must keep running before the others, which a random walk meets
  // once in hundreds. The runs before the corpus has anything are all PCT's:
  // with the same seed, the first generation is exactly PCT's first runs.
  // A mutated run chooses past its plan as the random walk does (or as FIFO
  // after a flip, see mutate).
  pct_.start_run(run_index);
  pct_run_ = corpus_.entries().empty();
  if (pct_run_) return;
  if (rng_.chance(1, 4)) {
    pct_run_ = rng_.chance(1, 2);
    return;
  }
  mutate(corpus_.choose(rng_));
}

std::optional<std::size_t> coverage_guided::reorder(const coverage_corpus::entry& e) {
  // Where each access's step is in the plan (plan_.size() if it is not there).
  std::vector<std::uint64_t> ids(plan_.size());
  for (std::size_t i = 0; i < plan_.size(); ++i) ids[i] = plan_[i].chosen.empty() ? 0 : stable_hash(plan_[i].chosen);
  auto at = [&](const shared_access& a) {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), a.step) - ids.begin());
  };
  auto pick = [&](const auto& v) -> decltype(auto) { return v[static_cast<std::size_t>(rng_.below(v.size()))]; };
  std::vector<const shared_access*> others;
  // Half the time a write no read observed, and a read of its object that
  // came before it moved just after it: the value goes on.
  if (!e.lost.empty() && rng_.chance(1, 2)) {
    // Most often a write by a step that just showed something new: the
    // value it passes on is the one that moved.
    std::vector<std::uint32_t> fresh;
    if (rng_.chance(3, 4)) {
      for (std::uint32_t f : e.focus) {
        if (f == 0 || f > plan_.size() || plan_[f - 1].chosen.empty()) continue;
        for (std::uint32_t l : e.lost)
          if (e.accesses[l].step == ids[f - 1]) fresh.push_back(l);
      }
    }
    const shared_access& w = e.accesses[pick(fresh.empty() ? e.lost : fresh)];
    for (const shared_access& a : e.accesses) {
      if (&a == &w) break;
      if (!a.write && a.object == w.object && a.step != w.step) others.push_back(&a);
    }
    if (others.empty()) return std::nullopt;
    const std::size_t i = at(*pick(others)), j = at(w);
    if (i >= j || j >= plan_.size()) return std::nullopt;
    move_step(plan_, i, j);
    return j;
  }
  // Else any two steps that conflict (one writes what the other reads or
  // writes): the earlier moved just after the later, or the later just
  // before the earlier.
  if (e.accesses.empty()) return std::nullopt;
  const shared_access& a = pick(e.accesses);
  for (const shared_access& b : e.accesses)
    if (b.object == a.object && b.step != a.step && (a.write || b.write)) others.push_back(&b);
  if (others.empty()) return std::nullopt;
  std::size_t i = at(a), j = at(*pick(others));
  if (i > j) std::swap(i, j);
  if (j >= plan_.size()) return std::nullopt;
  rng_.chance(1, 2) ? move_step(plan_, i, j) : move_step(plan_, j, i);
  return j;
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
  // A different option at decision k (the first option too: undoing a
  // deviation), followed by its index: which step that is depends on the run.
  auto flip = [&](std::size_t k) {
    coverage_corpus::step& d = plan_[k];
    if (d.options < 2) return;
    d.choice = static_cast<std::uint32_t>((d.choice + 1 + rng_.below(d.options - 1)) % d.options);
    d.chosen.clear();
  };
  // Step k moved a few decisions later (a task delayed), or a step a few
  // decisions later moved to k (a task run early); the last index changed.
  auto move = [&](std::size_t k) {
    const std::size_t m = std::min(plan_.size() - 1, k + 1 + static_cast<std::size_t>(rng_.below(8)));
    rng_.chance(1, 2) ? move_step(plan_, k, m) : move_step(plan_, m, k);
    return m;
  };
  // After a reordering or moved steps, the plan is followed a little
  // further (up to 16 decisions), then left to chance: what the change
  // made possible may need the rest of the run to go otherwise than it did
  // (the next batch shipped empty too), and following it by name would not.
  auto loosen = [&](std::size_t last) {
    plan_.resize(std::min(plan_.size(), last + 1 + static_cast<std::size_t>(rng_.below(16))));
  };
  const std::uint64_t kind = rng_.below(20);
  if (kind < 12) {
    if (const std::optional<std::size_t> last = reorder(e)) {
      loosen(*last);
      return;
    }
  }
  if (kind < 7) {  // the schedule's start as it was, then new ground
    plan_.resize(position());
  } else if (kind < 12) {
    // One decision flipped, then new ground, or (half the time) FIFO's order:
    // one early deviation alone, as delay-bounded search tries it, is what a
    // race like a worker queueing ahead once (and so for good) needs.
    const std::size_t k = position();
    flip(k);
    plan_.resize(k + 1);
    if (rng_.chance(1, 2)) fifo_from_ = k + 1;
  } else if (kind < 17) {  // one step moved
    loosen(move(position()));
  } else if (kind < 19) {  // spliced: this schedule's start, another's end
    const coverage_corpus::entry& other = corpus_.choose(rng_);
    const std::size_t k = position();
    plan_.resize(k);
    plan_.insert(plan_.end(), other.plan.begin() + static_cast<std::ptrdiff_t>(std::min(k, other.plan.size())),
                 other.plan.end());
  } else {  // havoc: several steps moved
    std::size_t last = 0;
    for (std::uint64_t n = 2 + rng_.below(3); n > 0; --n) last = std::max(last, move(position()));
    loosen(last);
  }
}

std::size_t coverage_guided::choose(const choice_point& p) {
  const std::size_t k = at_++;
  if (pct_run_) return pct_.choose(p);
  // Follow the plan while the run still fits it: a named step where it is a
  // candidate, an unnamed decision's choice where there are as many options.
  // Past the plan, or where it does not fit, choose as the random walk does
  // (as FIFO from fifo_from_ on).
  if (k < plan_.size() && plan_[k].kind == p.kind) {
    const coverage_corpus::step& d = plan_[k];
    if (!d.chosen.empty() && p.ready) {
      if (const std::size_t i = p.ready->find(d.chosen); i < p.options) return i;
    } else if (d.options == p.options) {
      return d.choice;
    }
  }
  if (k >= fifo_from_) return 0;
  if (p.kind == decision_kind::cancel) return rng_.chance(1, 8) ? 1 : 0;
  return static_cast<std::size_t>(rng_.below(p.options));
}

}  // namespace weft::sim
