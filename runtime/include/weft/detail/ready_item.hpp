#pragma once
/// One entry of a loop's ready queue: a callback node, or a task whose next
/// step (Task.__step) is queued. A step needs no node of its own: a task has
/// at most one step queued at a time, so the task itself carries what a node
/// would (its sequence number, the queue's reference to it), and queueing a
/// step is a pointer pushed on the ring. The low bit tells the two apart
/// (nodes and tasks are at least 8-byte aligned).

#include <cstdint>

namespace weft::detail {

struct callback_node;
class task_base;

class ready_item {
 public:
  ready_item() noexcept = default;
  static ready_item of(callback_node* n) noexcept { return ready_item(reinterpret_cast<std::uintptr_t>(n)); }
  static ready_item step_of(task_base* t) noexcept { return ready_item(reinterpret_cast<std::uintptr_t>(t) | 1); }

  /// A task's step (else a callback node).
  bool is_step() const noexcept { return (bits_ & 1) != 0; }
  callback_node* node() const noexcept { return reinterpret_cast<callback_node*>(bits_); }
  task_base* stepped() const noexcept { return reinterpret_cast<task_base*>(bits_ & ~std::uintptr_t{1}); }

  friend bool operator==(ready_item, ready_item) noexcept = default;

 private:
  explicit ready_item(std::uintptr_t bits) noexcept : bits_(bits) {}
  std::uintptr_t bits_ = 0;
};

}  // namespace weft::detail
