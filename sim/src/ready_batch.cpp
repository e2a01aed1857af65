#include "weft/sim/ready_batch.hpp"

#include <atomic>
#include <charconv>

namespace weft::sim {

std::string taskless_base(const ready_entry& e) {
  std::string task = e.reported_task_name();
  return task.empty() ? std::string("~callback") : "~done(" + task + ")";
}

std::string task_identity(const ready_entry& e) {
  task_name_room room;
  const std::string_view name = e.task_name(room);
  char digits[20];
  const auto [end, err] = std::to_chars(digits, digits + sizeof digits, e.task_steps());
  std::string id;
  id.reserve(name.size() + 1 + static_cast<std::size_t>(end - digits));
  id.append(name).append(1, '#').append(digits, end);
  return id;
}

bool has_task_identity(const ready_entry& e, std::string_view id) {
  task_name_room room;
  const std::string_view name = e.task_name(room);
  if (id.size() <= name.size() || id.substr(0, name.size()) != name || id[name.size()] != '#') return false;
  char digits[20];
  const auto [end, err] = std::to_chars(digits, digits + sizeof digits, e.task_steps());
  return id.substr(name.size() + 1) == std::string_view(digits, static_cast<std::size_t>(end - digits));
}

void ready_batch::observe(std::span<const ready_entry> ready) {
  // Sequence numbers are never reused within a loop, and the data pointer
  // tells loops apart: a new batch cannot pass for the rest of the last one.
  const bool continued = next_size_ != 0 && ready.size() == next_size_ && ready.data() == next_data_ &&
                         ready.front().sequence() == next_front_ && ready.back().sequence() == next_back_;
  ready_ = ready;
  next_size_ = 0;
  if (continued) return;
  // Unique in the process, so a strategy's state from another run or
  // scheduler never passes for this batch's.
  static std::atomic<std::uint64_t> batches{0};
  id_ = ++batches;
  present_.assign(ready.size(), 1);
  left_.fill(ready.size());
  if (grouped_) {
    grouped_ = false;
    group_of_base_ = {};  // a fresh table: clearing a big one costs its buckets every batch
    groups_.clear();
    group_left_.clear();
  }
  if (tasks_indexed_) {
    tasks_indexed_ = false;
    tasks_ = {};
  }
}

void ready_batch::chose(std::size_t index) {
  const std::size_t n = ready_.size();
  if (index >= n) return;
  const std::size_t p = position(index);
  present_[p] = 0;
  left_.remove(p);
  if (grouped_ && group_[p] != UINT32_MAX) group_left_[group_[p]].remove(in_group_[p]);
  if (n < 3) return;  // one left: the loop runs it without a decision
  next_size_ = n - 1;
  next_data_ = ready_.data() + 1;
  next_front_ = ready_[index == 0 ? 1 : 0].sequence();
  next_back_ = ready_[index == n - 1 ? n - 2 : n - 1].sequence();
}

std::size_t ready_batch::index_at(std::size_t position) const {
  return position < present_.size() && present_[position] ? left_.before(position) : size();
}

void ready_batch::group_taskless() {
  grouped_ = true;
  group_.assign(present_.size(), UINT32_MAX);
  in_group_.assign(present_.size(), 0);
  std::size_t i = 0;
  for (std::size_t p = 0; p < present_.size(); ++p) {
    if (!present_[p]) continue;
    const ready_entry& e = ready_[i++];
    if (e.task()) continue;
    auto [it, fresh] = group_of_base_.try_emplace(taskless_base(e), static_cast<std::uint32_t>(groups_.size()));
    if (fresh) groups_.emplace_back();
    group_[p] = it->second;
    in_group_[p] = static_cast<std::uint32_t>(groups_[it->second].size());
    groups_[it->second].push_back(static_cast<std::uint32_t>(p));
  }
  group_left_.resize(groups_.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) group_left_[g].fill(groups_[g].size());
}

std::size_t ready_batch::taskless_rank(std::size_t index) {
  if (index == 0) return 0;
  if (!grouped_) group_taskless();
  const std::size_t p = position(index);
  return group_left_[group_[p]].before(in_group_[p]);
}

void ready_batch::index_tasks() {
  tasks_indexed_ = true;
  std::size_t i = 0;
  for (std::size_t p = 0; p < present_.size(); ++p) {
    if (!present_[p]) continue;
    const ready_entry& e = ready_[i++];
    if (e.task())
      tasks_[task_identity(e)].positions.push_back(static_cast<std::uint32_t>(p));
  }
}

std::optional<std::size_t> ready_batch::find(const std::string& id) {
  const auto hash = id.rfind('#');
  if (hash == std::string::npos) return size();
  const std::string_view base = std::string_view(id).substr(0, hash);
  if (base.empty() || base[0] != '~') {
    if (!tasks_indexed_) index_tasks();
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return std::nullopt;  // not ready, or renamed since the index was made
    same_identity& s = it->second;
    while (s.first < s.positions.size() && !present_[s.positions[s.first]]) ++s.first;
    if (s.first == s.positions.size()) return std::nullopt;
    const std::size_t i = index_at(s.positions[s.first]);
    const ready_entry& e = ready_[i];
    // A task keeps its steps while it waits here, but it may be renamed.
    if (!has_task_identity(e, id)) return std::nullopt;
    return i;
  }
  // A callback with no task: the R-th left of its base.
  const std::string_view number = std::string_view(id).substr(hash + 1);
  std::size_t rank = 0;
  const auto [end, err] = std::from_chars(number.data(), number.data() + number.size(), rank);
  if (err != std::errc() || end != number.data() + number.size() || std::to_string(rank) != number) return size();
  if (!grouped_) group_taskless();
  auto it = group_of_base_.find(std::string(base));
  if (it == group_of_base_.end()) return size();
  const present_positions& left = group_left_[it->second];
  if (rank >= left.before(groups_[it->second].size())) return size();
  return index_at(groups_[it->second][left.select(rank)]);
}

}  // namespace weft::sim
