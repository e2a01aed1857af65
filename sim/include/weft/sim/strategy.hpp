#pragma once
/// How the simulator takes each decision: the strategy interface, and FIFO.
/// Each strategy has its own header, as shuttle keeps one per file:
/// random_walk.hpp, pct.hpp, delay_bounded.hpp, replay.hpp.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <weft/scheduler.hpp>

#include "weft/sim/ready_batch.hpp"
#include "weft/sim/schedule.hpp"

namespace weft::sim {

/// The callbacks of a ready decision, in FIFO order, named on demand: a name
/// is a string to build, and a strategy reads few of them, so a decision
/// costs the same whatever the number of ready callbacks.
class ready_candidates {
 public:
  /// The loop's candidates; `batch`, if given, has observed them (see
  /// ready_batch) and answers what would otherwise scan them all.
  explicit ready_candidates(std::span<const ready_entry> ready, ready_batch* batch = nullptr) noexcept
      : ready_(ready), batch_(batch) {}
  /// Candidates known by their identities only (a strategy's unit test, a
  /// strategy that drives another): their sites are "".
  explicit ready_candidates(std::span<const std::string> identities) noexcept : named_(identities) {}
  std::size_t size() const noexcept { return named_.empty() ? ready_.size() : named_.size(); }
  /// Candidate i's identity, stable across edits elsewhere in the program:
  /// a task's k-th step is "NAME#k"; a callback with no task of its own is
  /// "~done(TASK)#R" (it reports TASK's completion) or "~callback#R", R its
  /// rank among the ready callbacks of that base. O(1) for a task's step.
  std::string identity(std::size_t i) const;
  /// The candidate whose identity is `id`, or size().
  std::size_t find(const std::string& id) const;
  /// Candidate i's task name, or "" for a callback with no task of its own:
  /// a view of the task's name or of `room` (ready_entry::task_name), so
  /// reading every candidate's name copies none.
  std::string_view task_name(std::size_t i, task_name_room& room) const;
  /// Where candidate i's task is (ready_entry::task_site), or "".
  std::string site(std::size_t i) const { return named_.empty() ? ready_[i].task_site() : std::string(); }

  /// The loop's ready decisions come in batches: one loop iteration's
  /// callbacks, each decision's candidates being the previous one's minus
  /// the one chosen there, in the same order. Equal non-zero batch() values
  /// mean the same batch; 0 means unknown (each decision stands alone). A
  /// strategy may keep state per batch, by position, rather than read every
  /// candidate at every decision.
  std::uint64_t batch() const noexcept { return batch_ ? batch_->id() : 0; }
  /// Candidate i's position in its batch: its index at the batch's first
  /// decision (i itself when batch() is 0).
  std::size_t position(std::size_t i) const { return batch_ ? batch_->position(i) : i; }
  /// The index now of the candidate at `position` of this batch, or size()
  /// if it has run.
  std::size_t index_at(std::size_t position) const {
    return batch_ ? batch_->index_at(position) : position < size() ? position : size();
  }

 private:
  std::span<const ready_entry> ready_;
  std::span<const std::string> named_;
  ready_batch* batch_ = nullptr;
};

/// What a strategy sees at a decision: its kind, the number of options, and
/// who is involved: for ready decisions the candidates, for a cancel the
/// suspending task step's identity.
struct choice_point {
  decision_kind kind;
  std::size_t options;
  std::span<const std::string> identities{};  // cancel: the step that suspends ("NAME#STEP")
  const ready_candidates* ready = nullptr;   // ready decisions: the candidates in FIFO order
};

/// Takes decisions. Called only where there are at least two options.
class strategy {
 public:
  virtual ~strategy() = default;
  /// A new run begins (run_index counts from 0 within an exploration).
  virtual void start_run(std::uint64_t run_index) { (void)run_index; }
  /// The choice at `p`, in [0, p.options); anything else is a bug the
  /// scheduler reports (std::logic_error).
  virtual std::size_t choose(const choice_point& p) = 0;
  /// After a run: false when the strategy has nothing more to try (DFS).
  virtual bool next_run() { return true; }
  /// Whether choose() reads the candidates' identities: then FIFO choices
  /// are recorded with them too.
  virtual bool needs_identities() const { return false; }
  /// Whether runs under it collect their interleaving coverage (coverage.hpp).
  virtual bool wants_coverage() const { return false; }
  /// True for a strategy whose every choice is 0 (FIFO): a scheduler that
  /// records nothing need not ask it.
  virtual bool always_first() const { return false; }
  /// Whether this strategy explores faults of `kind` at all.
  virtual bool wants(decision_kind kind) const { return kind == decision_kind::ready || kind == decision_kind::timer; }
};

/// asyncio's order: always the first option. With a sim_scheduler that does
/// not record, the simulator's machinery without its choices (what the
/// benchmarks compare with the production FIFO loop).
class fifo final : public strategy {
 public:
  std::size_t choose(const choice_point&) override { return 0; }
  bool always_first() const override { return true; }
};

}  // namespace weft::sim
