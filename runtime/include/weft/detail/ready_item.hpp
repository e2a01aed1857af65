#pragma once
/// One entry of a loop's ready queue: a callback node, a task whose next step
/// (Task.__step) is queued, or a done task whose gatherer's callback (gather's
/// _done_callback, see future_base::add_gatherer) is queued. The last two
/// need no node of their own: a task has at most one of them queued at a
/// time, so the task itself carries what a node would (its sequence number;
/// the queue holds a reference to it), and queueing one is a pointer pushed
/// on the ring. The low two bits tell the three apart (nodes and tasks are
/// at least 8-byte aligned).

#include <cstdint>

namespace weft::detail {

struct callback_node;
class task_base;

class ready_item {
 public:
  ready_item() noexcept = default;
  static ready_item of(callback_node* n) noexcept { return ready_item(reinterpret_cast<std::uintptr_t>(n)); }
  static ready_item step_of(task_base* t) noexcept { return ready_item(reinterpret_cast<std::uintptr_t>(t) | step); }
  static ready_item gatherer_of(task_base* t) noexcept {
    return ready_item(reinterpret_cast<std::uintptr_t>(t) | gatherer);
  }

  /// A callback node (else a task's step or its gatherer's callback).
  bool is_node() const noexcept { return (bits_ & mask) == 0; }
  /// A task's step.
  bool is_step() const noexcept { return (bits_ & mask) == step; }
  callback_node* node() const noexcept { return reinterpret_cast<callback_node*>(bits_); }
  /// The task of a step or of a gatherer's callback.
  task_base* task() const noexcept { return reinterpret_cast<task_base*>(bits_ & ~mask); }

  friend bool operator==(ready_item, ready_item) noexcept = default;

 private:
  static constexpr std::uintptr_t step = 1, gatherer = 2, mask = 3;
  explicit ready_item(std::uintptr_t bits) noexcept : bits_(bits) {}
  std::uintptr_t bits_ = 0;
};

}  // namespace weft::detail
