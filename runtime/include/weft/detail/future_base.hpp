#pragma once
/// The untyped core of every future and task: state, exception, cancel
/// message, done callbacks and the reference count. Mirrors asyncio.Future
/// (futures.py); the typed value lives in derived classes (value_ points at it).

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "weft/detail/frame_pool.hpp"
#include "weft/detail/ref_ptr.hpp"
#include "weft/detail/small_function.hpp"

namespace weft {
class event_loop;
}

namespace weft::detail {

class future_base;
class task_base;
struct callback_node;

/// Task.cancel and _GatheringFuture.cancel, which call each other down a
/// chain of tasks awaiting gathers of tasks (and of gathers): CPython recurses,
/// weft walks the chain in a loop with a stack of its own, so that no chain
/// overflows the thread's stack. Like CPython past its recursion limit, it
/// throws recursion_error past 1000 tasks or 1000 gathers nested in one chain
/// (a task gathering itself is an endless one), leaving the requests counted
/// so far in place. `f` is a task or a gathering future.
bool cancel_chain(future_base* f, const std::optional<std::string>& msg);

/// What a done callback (or any loop callback) runs: it gets the future it was
/// registered on (nullptr for call_soon callbacks).
using callback_fn = small_function<void(future_base*), 32>;

/// A loop's liveness, shared with its futures so that a future outliving its
/// loop reports "Event loop is closed" instead of touching freed memory.
struct loop_anchor {
  event_loop* loop;
  std::uint32_t refs = 1;
};
inline void intrusive_add_ref(loop_anchor* a) noexcept { ++a->refs; }
inline void intrusive_release(loop_anchor* a) noexcept {
  if (--a->refs == 0) delete a;
}

/// Storage for a future's result: empty for void.
template <class T>
struct value_slot {
  value_slot() noexcept {}
  ~value_slot() {
    if (has) v.~T();
  }
  value_slot(const value_slot&) = delete;
  template <class... A>
  void emplace(A&&... a) {
    ::new (static_cast<void*>(&v)) T(std::forward<A>(a)...);
    has = true;
  }
  union {
    T v;
  };
  bool has = false;
};
template <>
struct value_slot<void> {};

class future_base : public pooled {
 public:
  enum class state : std::uint8_t { pending, cancelled, finished };

  explicit future_base(event_loop& loop) noexcept;
  future_base(const future_base&) = delete;
  future_base& operator=(const future_base&) = delete;
  virtual ~future_base();

  bool done() const noexcept { return state_ != state::pending; }
  bool cancelled() const noexcept { return state_ == state::cancelled; }
  state get_state() const noexcept { return state_; }
  bool is_task() const noexcept { return kind_ == kind::task; }

  /// The loop, or throws std::runtime_error("Event loop is closed") once it is gone.
  event_loop& loop() const {
    if (event_loop* l = anchor_->loop) [[likely]]
      return *l;
    throw_loop_closed();
  }
  /// The loop, or nullptr once it is gone.
  event_loop* loop_or_null() const noexcept { return anchor_->loop; }

  /// Future.cancel(msg); Task overrides it with Task.cancel.
  virtual bool cancel(std::optional<std::string> msg);
  /// Future.set_exception. Throws invalid_state_error unless pending.
  void set_exception(std::exception_ptr e);
  /// Checks the state before a set_result (invalid_state_error unless pending).
  void check_can_set() const;
  /// Marks a stored result as set and schedules the callbacks.
  void finish_with_result();
  /// Future.exception(): the exception, nullptr for a result; throws
  /// cancelled_error if cancelled, invalid_state_error if pending.
  std::exception_ptr exception() {
    if (state_ != state::finished) [[unlikely]]
      throw_no_exception();
    log_traceback_ = false;
    return exc_;
  }
  /// Throws as Future.result() would when there is no value to return.
  void raise_unless_result();
  /// The cancelled_error to raise for a cancelled future (Future._make_cancelled_error).
  std::exception_ptr make_cancelled_error();

  /// Future.add_done_callback: scheduled at once if done. Returns an id for removal.
  std::uint64_t add_done_callback(callback_fn&& fn, task_base* owner = nullptr);
  /// The same for a callable taking a future_base*, built in the loop's node
  /// when it is the first callback of a pending future (no callback_fn made
  /// and moved). Defined in event_loop.hpp.
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, callback_fn>)
  std::uint64_t add_done_callback(F&& f, task_base* owner = nullptr);
  /// Future.remove_done_callback, by id: returns how many were removed (0 or 1).
  std::size_t remove_done_callback(std::uint64_t id) noexcept;
  /// gather's done callback on a child: `g->child_done(this)`, scheduled
  /// when this future is done as add_done_callback's would be. The first
  /// callback of a pending task is held without a node (the gatherer, tagged,
  /// in first_callback_; the task carries the sequence number once it is
  /// queued): a gather of fresh tasks makes no node per child. gather never
  /// removes it.
  void add_gatherer(const ref_ptr<future_base>& g) {
    // No id handed out yet means no callback held either.
    if (kind_ == kind::task && state_ == state::pending && next_callback_id_ == 0) {
      next_callback_id_ = 1;
      intrusive_add_ref(g.get());
      first_callback_ = reinterpret_cast<std::uintptr_t>(g.get()) | gatherer_tag;
      return;
    }
    add_gatherer_callback(g);
  }
  /// What a gathering future does when a child it gathers is done
  /// (gather's _done_callback); nothing for other futures.
  virtual void child_done(future_base* child) { (void)child; }
  /// The gatherer held by add_gatherer, taken out (null if none): the loop
  /// runs or drops a queued gatherer callback with it.
  ref_ptr<future_base> take_gatherer() noexcept {
    if (!first_is_gatherer()) return nullptr;
    return ref_ptr<future_base>::adopt(reinterpret_cast<future_base*>(std::exchange(first_callback_, 0) & ~gatherer_tag));
  }

  /// Scratch mark for algorithms over sets of futures (gather's dedup): false
  /// outside such an algorithm. O(1) instead of a search or a hash set.
  bool marked() const noexcept { return marked_; }
  void set_marked(bool m) noexcept { marked_ = m; }
  /// An exception nobody retrieved yet (Future._log_traceback).
  bool exception_unretrieved() const noexcept { return log_traceback_; }
  /// The derived class's value_slot<T> (what result() reads).
  virtual void* value_ptr() const noexcept = 0;
  /// The message of the last cancel() (Future._cancel_message).
  std::optional<std::string> cancel_message() const {
    return cancel_msg_ ? std::optional<std::string>(*cancel_msg_) : std::nullopt;
  }
  std::uint32_t refs() const noexcept { return refs_; }

  friend bool cancel_chain(future_base* f, const std::optional<std::string>& msg);
  friend void intrusive_add_ref(future_base* f) noexcept { ++f->refs_; }
  friend void intrusive_release(future_base* f) noexcept {
    if (--f->refs_ == 0) delete f;
  }

 protected:
  [[noreturn]] static void throw_loop_closed();
  /// add_gatherer's case with a node: a lambda calling g->child_done.
  void add_gatherer_callback(const ref_ptr<future_base>& g);
  /// A callback added now is held in first_callback_ (none is held yet).
  bool no_callbacks_held() const noexcept {
    return !first_callback_ && (!more_callbacks_ || more_callbacks_->empty());
  }
  bool first_is_gatherer() const noexcept { return (first_callback_ & gatherer_tag) != 0; }
  /// The first callback's node, or null (none, or a gatherer).
  callback_node* first_node() const noexcept {
    return first_is_gatherer() ? nullptr : reinterpret_cast<callback_node*>(first_callback_);
  }
  void set_first_node(callback_node* n) noexcept { first_callback_ = reinterpret_cast<std::uintptr_t>(n); }
  [[noreturn]] void throw_no_exception();
  /// Reports an exception nobody retrieved to the loop's handler (from destructors).
  void report_unretrieved(const char* message, const std::string& task_name) noexcept;
  /// Future.cancel without the Task override (super().cancel()).
  bool cancel_future(std::optional<std::string> msg);
  void schedule_callbacks();
  void schedule_more_callbacks(event_loop& loop);  // schedule_callbacks past the first
  /// A done callback held until this future is done.
  callback_node* hold(callback_fn&& fn, task_base* owner, std::uint64_t id);
  /// "FINISHED: <Future finished>" style text for invalid_state_error.
  virtual std::string describe_state() const;

  void set_cancel_message(std::optional<std::string> msg) {
    cancel_msg_ = msg ? std::make_unique<std::string>(std::move(*msg)) : nullptr;
  }


  /// What a cancel() passes on, for cancel_chain: a task to the future it
  /// awaits, a gathering future to its children; a plain future nothing.
  enum class kind : std::uint8_t { future, task, gathering };

  std::uint32_t refs_ = 0;
  state state_ = state::pending;
  kind kind_ = kind::future;
  bool marked_ = false;  // scratch for gather's deduplication (always false between calls)
  bool log_traceback_ = false;  // an exception nobody retrieved yet
  std::uint64_t next_callback_id_ = 0;
  ref_ptr<loop_anchor> anchor_;
  std::exception_ptr exc_;
  std::exception_ptr cancelled_exc_;  // raised by a task's coroutine (C: fut_cancelled_exc)
  // Rare, so out of line: every task and future pays one pointer for each.
  std::unique_ptr<std::string> cancel_msg_;
  // Done callbacks wait in loop nodes made when they are added, so scheduling
  // one is queueing its node. Most futures have at most one: the first is
  // apart from the rest. The first may instead be a gatherer (add_gatherer),
  // tagged by the low bit; a done future keeps it there until its queued
  // callback runs or is dropped.
  static constexpr std::uintptr_t gatherer_tag = 1;
  std::uintptr_t first_callback_ = 0;
  std::unique_ptr<std::vector<callback_node*>> more_callbacks_;
};

/// A plain future holding a T.
template <class T>
class future_state final : public future_base {
 public:
  explicit future_state(event_loop& loop) noexcept : future_base(loop) {}
  void* value_ptr() const noexcept override { return const_cast<value_slot<T>*>(&slot_); }
  value_slot<T> slot_;
};

}  // namespace weft::detail
