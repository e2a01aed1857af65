#pragma once
/// One loop iteration's ready callbacks, followed across the ready decisions
/// taken among them, so that a decision costs O(log n) rather than O(n) in
/// the number n of callbacks ready together.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <weft/scheduler.hpp>

#include "weft/sim/present_positions.hpp"

namespace weft::sim {

/// What identifies a callback with no task of its own: the task whose
/// completion it reports ("~done(NAME)"), or nothing ("~callback").
std::string taskless_base(const ready_entry& e);

/// The identity of a callback that steps or wakes a task: "NAME#STEPS".
std::string task_identity(const ready_entry& e);
/// Whether `id` is task_identity(e), without building it.
bool has_task_identity(const ready_entry& e, std::string_view id);

/// The loop runs an iteration's ready callbacks as one batch and takes a
/// ready decision before each while two or more are left: each decision's
/// candidates are the previous one's minus the one chosen there, in the same
/// order. A ready_batch sees every decision (observe, then chose) and
/// recognises that; it numbers the batch's callbacks by *position*, their
/// index at its first decision, and indexes their identities once per batch
/// instead of once per decision.
class ready_batch {
 public:
  /// The candidates of a new decision. They continue the batch if they are
  /// the previous decision's minus the one chosen there (the loop passes the
  /// rest of its batch); anything else starts a new batch. `ready` must stay
  /// valid until chose().
  void observe(std::span<const ready_entry> ready);
  /// The decision observed last chose candidate `index`.
  void chose(std::size_t index);

  /// The batch's number, unique in the process (never 0): equal numbers
  /// mean the same batch, whatever run or scheduler observed it.
  std::uint64_t id() const noexcept { return id_; }
  /// Candidates left.
  std::size_t size() const noexcept { return ready_.size(); }
  /// Candidate `index`'s position in the batch. O(log n).
  std::size_t position(std::size_t index) const { return left_.select(index); }
  /// The index now of the candidate at `position`, or size() if it has run. O(log n).
  std::size_t index_at(std::size_t position) const;
  /// For candidate `index`, a callback with no task: how many candidates
  /// before it have its base (taskless_base), i.e. R in its identity BASE#R.
  /// Bases are read once per batch. O(log n) after the batch's first call.
  std::size_t taskless_rank(std::size_t index);
  /// The first candidate whose identity is `id` (NAME#K or BASE#R), or
  /// size(); nullopt where only a scan can tell (a task renamed while it
  /// waited in the batch). O(1) after the batch's first call.
  std::optional<std::size_t> find(const std::string& id);

 private:
  struct same_identity {
    std::vector<std::uint32_t> positions;  // ascending
    std::size_t first = 0;                 // positions before it have run
  };
  void group_taskless();
  void index_tasks();

  std::span<const ready_entry> ready_;
  std::uint64_t id_ = 0;
  std::vector<char> present_;  // by position
  present_positions left_;
  // What the next decision's candidates are if they continue this batch.
  const ready_entry* next_data_ = nullptr;
  std::size_t next_size_ = 0;
  std::uint64_t next_front_ = 0, next_back_ = 0;  // sequence numbers
  // Callbacks with no task, grouped by base (on first need in a batch).
  bool grouped_ = false;
  std::unordered_map<std::string, std::uint32_t> group_of_base_;
  std::vector<std::uint32_t> group_, in_group_;  // by position
  std::vector<std::vector<std::uint32_t>> groups_;  // positions, ascending
  std::vector<present_positions> group_left_;
  // Tasks' steps by identity (on first need in a batch).
  bool tasks_indexed_ = false;
  std::unordered_map<std::string, same_identity> tasks_;
};

}  // namespace weft::sim
