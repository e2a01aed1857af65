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
  batch_ = 0;
  ++run_;
  drawn_ = 0;
  // A program that names its tasks anew in every run would grow the table
  // without end: start it over past a bound no real program reaches.
  if (ids_.size() > (1u << 16)) {
    ids_.clear();
    priorities_.clear();
    recent_ = {};
  }
  change_points_.clear();
  for (unsigned i = 0; i + 1 < depth_; ++i) change_points_.push_back(1 + rng_.below(steps_));
  std::sort(change_points_.begin(), change_points_.end());
}

std::uint32_t pct::priority_of(std::string_view task) {
  // A task's priority is per task, not per step. Callbacks with no task of
  // their own, and the tasks asyncio makes for a combinator ("~..."), share
  // one priority, as one thread.
  if (task.empty() || task[0] == '~') task = "~callback";
  const std::uint32_t id = task_id(task);
  priority& p = priorities_[id];
  // Initial priorities are distinct and above every change-point priority
  // (0 .. depth-2): depth + a random draw, ties broken by arrival.
  if (p.run != run_) p = {depth_ + (rng_.below(1u << 20) << 20) + drawn_++, run_};
  return id;
}

std::uint32_t pct::task_id(std::string_view task) {
  // A task's name is read from the same place at every batch while it keeps
  // it: a slot by that address remembers the number, once the text is
  // confirmed equal (the place may hold another name by now).
  // Fibonacci hashing: tasks sit at regular strides, which a plain modulus would fold onto few slots.
  const auto slot = (reinterpret_cast<std::uintptr_t>(task.data()) * 0x9e3779b97f4a7c15ULL) >> 58;
  static_assert(std::tuple_size_v<decltype(recent_)> == 64);
  recent& r = recent_[slot];
  if (r.data == task.data() && r.name && *r.name == task) return r.id;
  auto it = ids_.find(task);
  if (it == ids_.end()) {
    it = ids_.emplace(std::string(task), static_cast<std::uint32_t>(priorities_.size())).first;
    priorities_.push_back({0, ~std::uint64_t{0}});  // drawn by priority_of
  }
  r = {task.data(), &it->first, it->second};
  return it->second;
}

namespace {

/// Heap order: the higher priority first, then the earlier position (FIFO).
bool below(const std::pair<std::uint64_t, std::size_t>& a, const std::pair<std::uint64_t, std::size_t>& b) {
  return a.first < b.first || (a.first == b.first && a.second > b.second);
}

}  // namespace

void pct::start_batch(const choice_point& p) {
  // Names are read once per batch, in FIFO order (which draws the
  // priorities of new names in that order).
  const ready_candidates& c = *p.ready;
  batch_ = c.batch();
  priority_at_.assign(c.position(c.size() - 1) + 1, 0);
  task_name_room room;
  for (std::size_t i = 0; i < c.size(); ++i) priority_at_[c.position(i)] = priority_of(c.task_name(i, room));
  rank(p);
}

void pct::rank(const choice_point& p) {
  const ready_candidates& c = *p.ready;
  heap_.clear();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const std::size_t at = c.position(i);
    heap_.emplace_back(priorities_[priority_at_[at]].value, at);
  }
  std::make_heap(heap_.begin(), heap_.end(), below);
}

std::size_t pct::highest(const choice_point& p) {
  // Positions chosen since the heap was made have left the batch.
  while (p.ready->index_at(heap_.front().second) == p.ready->size()) {
    std::pop_heap(heap_.begin(), heap_.end(), below);
    heap_.pop_back();
  }
  return heap_.front().second;
}

std::size_t pct::choose(const choice_point& p) {
  if (p.kind != decision_kind::ready || !p.ready) return static_cast<std::size_t>(rng_.below(p.options));
  ++step_;
  if (p.ready->batch() == 0 || p.ready->batch() != batch_) start_batch(p);
  // At the i-th change point the task about to run drops to priority depth-2-i,
  // below every initial priority: every candidate of its name moves.
  for (std::size_t i = 0; i < change_points_.size(); ++i)
    if (change_points_[i] == step_) {
      priorities_[priority_at_[highest(p)]].value = depth_ - 2 - i;
      rank(p);
    }
  return p.ready->index_at(highest(p));
}

}  // namespace weft::sim
