#pragma once
/// weft::task<T>: asyncio.Task, a future that steps a coroutine. Created by
/// create_task; steps, wakeups and cancellation follow CPython 3.13's
/// Task.__step / __wakeup / cancel hop for hop.

#include <coroutine>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/future.hpp"

namespace weft {

/// Keyword arguments of create_task.
/// Trivially destructible, as every option struct of weft's, so that a
/// temporary one in a co_await operand (`co_await create_task(f(), {.name =
/// n})`) has nothing for g++ 12 to destroy twice (it does, for a temporary
/// with a destructor there).
struct task_options {
  /// The task's name, copied into the task at creation; none gives "Task-N",
  /// N counted per loop from 1.
  std::optional<std::string_view> name = std::nullopt;
  /// Run the first step synchronously inside create_task (asyncio.Task(...,
  /// eager_start=True)) if the loop is running. An explicit eager_start
  /// bypasses the loop's task factory, as constructing asyncio.Task directly does.
  bool eager_start = false;
};

namespace detail {

/// The untyped task machinery (tasks.py's Task, minus the result type).
class task_base : public future_base {
 public:
  task_base(event_loop& loop, std::coroutine_handle<> top, promise_base* promise, std::optional<std::string_view> name);
  ~task_base() override;

  /// Starts the task: an eager first step, or a step scheduled with call_soon.
  void start(bool eager);
  /// Task.cancel(msg) (walked by cancel_chain).
  bool cancel(std::optional<std::string> msg) override;
  /// Task.cancelling().
  int cancelling() const noexcept { return num_cancels_requested_; }
  /// Task.uncancel().
  int uncancel() noexcept;
  std::string get_name() const;
  /// get_name() without a copy: a view of the stored name, or of `room`
  /// where an unnamed task's "Task-<n>" is written.
  std::string_view name(task_name_room& room) const noexcept;
  void set_name(std::string name);
  /// Steps run so far (the simulator's stable identity of a step).
  std::uint64_t steps() const noexcept { return steps_; }
  /// The loop's sequence number of what of this task is queued: its step,
  /// or (once done) its gatherer's callback (valid while it is queued).
  std::uint64_t queued_sequence() const noexcept { return queued_sequence_; }
  /// Queues the callback of the gatherer held without a node (see
  /// future_base::add_gatherer), as the task's completion schedules it.
  void queue_gatherer_callback(event_loop& l) {
    queued_sequence_ = l.push_task_item(ready_item::gatherer_of(this));
    intrusive_add_ref(this);  // the queue's
  }
  /// The label the task's code last gave (see any_task::set_site).
  std::string_view label() const noexcept { return {site_, site_size_}; }
  /// The await the task is suspended at (see any_task::suspended_at).
  source_site suspended_at() const noexcept;
  /// The label if there is one, else the await's site as text (any_task::site).
  std::string site() const;
  void set_site(std::string_view s) noexcept {
    site_ = s.data();
    site_size_ = static_cast<std::uint32_t>(std::min<std::size_t>(s.size(), UINT32_MAX));
  }
  std::optional<coro_info> get_coro() const {
    if (completed_eagerly_) return std::nullopt;
    return info_;
  }

  /// The scheduled Task.__step (with the exception set by schedule_step_with).
  /// Inline into its callers, all in task.cpp (event_loop::run_queued_step
  /// and wakeup): a step is the loop's hottest path.
  [[gnu::always_inline]] inline void step(event_loop& l);
  /// Task.__wakeup(future).
  void wakeup(future_base* f);
  /// Called by an await point as the coroutine suspends (see suspend_on).
  void suspended_on(future_base* f, std::coroutine_handle<> h) noexcept {
    resume_ = h;
    yielded_ = f;
    yield_kind_ = f ? yield_kind::future : yield_kind::bare;
  }
  /// The exception to raise at the await point being resumed, if any.
  std::exception_ptr take_thrown() noexcept { return std::exchange(thrown_, nullptr); }
  bool has_thrown() const noexcept { return static_cast<bool>(thrown_); }
  /// A pending task its loop abandons (loop close), or one freed pending:
  /// reports "Task was destroyed but it is pending!" (and a coroutine that
  /// never ran as never awaited), unregisters it and destroys its coroutine.
  void abandon() noexcept;

  task_base* reg_prev_ = nullptr;
  task_base* reg_next_ = nullptr;

 protected:
  /// Moves the coroutine's return value into the task's result slot.
  virtual void store_result() = 0;
  std::string describe_state() const override;
  /// The task's top coroutine frame (null once destroyed).
  std::coroutine_handle<> top() const noexcept { return top_; }

 private:
  friend bool cancel_chain(future_base* f, const std::optional<std::string>& msg);
  enum class yield_kind : std::uint8_t { none, bare, future };
  [[gnu::always_inline]] inline void run_step(event_loop& l);
  void finish_coroutine();
  void handle_yield();  // the coroutine yielded a future: wait for it (a bare yield is run_step's)
  [[gnu::always_inline]] inline void schedule_step(event_loop& l);
  void schedule_step_with(std::exception_ptr exc);
  void finish_with_exception(std::exception_ptr e);
  void destroy_frame() noexcept;

  std::coroutine_handle<> top_;
  std::coroutine_handle<> resume_;
  promise_base* promise_;
  ref_ptr<future_base> fut_waiter_;
  // What the task needs of its suspension depends on where it is: from a
  // suspension to handle_yield, the future it yielded; while it waits on one
  // (fut_waiter_ set; reset when a step begins), its wakeup callback's id.
  union {
    future_base* yielded_ = nullptr;
    std::uint64_t waiter_callback_;
    std::uint64_t queued_sequence_;  // while its step (no future is awaited then) or its gatherer's callback is queued
  };
  // The exception the next step raises in the coroutine, at its await: set
  // by schedule_step_with or wakeup for the step (which may replace it with a
  // cancellation), taken by the awaiter as the coroutine resumes.
  std::exception_ptr thrown_;
  // Most tasks are unnamed ("Task-<number_>"); a name is owned (named_).
  union {
    std::uint64_t number_ = 0;
    std::string* name_;
  };
  coro_info info_;
  std::uint64_t steps_ = 0;
  const char* site_ = "";
  std::uint32_t site_size_ = 0;
  int num_cancels_requested_ = 0;
  yield_kind yield_kind_ = yield_kind::none;
  bool must_cancel_ = false;
  bool named_ = false;
  bool started_ = false;
  bool completed_eagerly_ = false;
  bool reused_ = false;  // given a coroutine that already ran
  bool resumed_ = false;  // its coroutine is running (frame links are not to be read)

 public:
  bool registered_ = false;  // in the loop's list of tasks (declared here to pack with the flags above)
};

template <class T>
class task_state final : public task_base {
 public:
  task_state(event_loop& loop, std::coroutine_handle<promise<T>> h, std::optional<std::string_view> name)
      : task_base(loop, h, &h.promise(), name) {}
  void* value_ptr() const noexcept override { return const_cast<value_slot<T>*>(&slot_); }
  value_slot<T> slot_;

 private:
  void store_result() override {
    // Called while the frame is alive.
    if constexpr (!std::is_void_v<T>)
      slot_.emplace(std::move(std::coroutine_handle<promise<T>>::from_address(top().address()).promise().value_.v));
  }
};

/// The exception Future.result() would raise, with its side effects; null for a result.
std::exception_ptr result_exception(future_base* f);

}  // namespace detail

/// A task of unknown result type (what current_task and all_tasks return).
class any_task : public any_future {
 public:
  any_task() noexcept = default;
  explicit any_task(detail::ref_ptr<detail::task_base> p) noexcept : any_future(std::move(p)) {}

  /// Task.get_name().
  std::string get_name() const { return base().get_name(); }
  /// Task.set_name(name).
  void set_name(std::string name) const { base().set_name(std::move(name)); }
  /// Task.cancelling(): the number of pending cancellation requests.
  int cancelling() const { return base().cancelling(); }
  /// Task.uncancel(): decrements cancelling() and returns the new count.
  int uncancel() const { return base().uncancel(); }
  /// Task.get_coro(): where the task's coroutine was defined; nullopt for a
  /// task that completed eagerly (asyncio returns None then).
  std::optional<coro_info> get_coro() const { return base().get_coro(); }
  /// Steps the task has run so far (weft-only; the simulator's identity of a step).
  std::uint64_t steps() const { return base().steps(); }
  /// Labels where the task is about to await (weft-only), e.g. a statement of
  /// a scenario: the simulator shows it in the decisions it reports instead
  /// of the await's source site. The text must outlive the task.
  void set_site(std::string_view site) const { base().set_site(site); }
  /// Where the task is suspended (weft-only): the innermost co_await of the
  /// task's own code (weft's coroutines, such as Lock.acquire, are skipped
  /// for the await that called them); empty before its first step, while it
  /// runs and once done.
  source_site suspended_at() const { return base().suspended_at(); }
  /// Where the task is, as the simulator names it: the last label set_site
  /// gave, else its suspended_at() as "FILE:LINE in FUNCTION", else "".
  std::string site() const { return base().site(); }

  detail::task_base* task_state() const noexcept { return static_cast<detail::task_base*>(p_.get()); }

 protected:
  detail::task_base& base() const { return static_cast<detail::task_base&>(get()); }
};

/// asyncio.Task whose coroutine returns T. Shared handle.
template <class T = void>
class task : public detail::typed_future<T, any_task> {
 public:
  task() noexcept = default;
  explicit task(detail::ref_ptr<detail::task_base> p) noexcept : detail::typed_future<T, any_task>(std::move(p)) {}

  /// Task.add_done_callback with a callback taking this task<T>.
  template <class F>
    requires std::is_invocable_v<F&, task<T>>
  std::uint64_t add_done_callback(F&& fn) const {
    return this->get().add_done_callback([fn = std::forward<F>(fn)](detail::future_base* f) mutable {
      fn(task<T>(detail::ref_ptr<detail::task_base>(static_cast<detail::task_base*>(f))));
    });
  }
  using any_future::add_done_callback;

  /// The task as a future (a Task is a Future).
  operator future<T>() const { return future<T>(this->p_); }  // NOLINT
};

template <class T>
task<T> event_loop::create_task(coro<T> c, task_options opts) {
  check_thread("create_task");
  check_closed();
  if (!c) throw std::logic_error("create_task: empty coroutine object");
  // A coroutine that already ran makes a task that fails on its first step, as
  // in asyncio; one still running (awaited elsewhere) cannot be taken at all.
  if (c.started() && !c.done())
    throw std::logic_error("create_task: the coroutine is still running (it is being awaited elsewhere)");
  if (max_tasks_ && live_tasks_ >= max_tasks_) {
    c.close();  // refused, as TaskGroup.create_task refuses one: not "never awaited"
    refuse_task();
  }
  if (task_factory_ && !opts.eager_start) task_factory_(*this, opts);
  auto h = c.release();
  detail::ref_ptr<detail::task_base> st(new detail::task_state<T>(*this, h, opts.name));
  st->start(opts.eager_start);
  return task<T>(std::move(st));
}

template <class T>
task<T> event_loop::create_task(coro<T> c) {
  return create_task(std::move(c), task_options{});
}

namespace detail {
void run_until_done(event_loop& loop, future_base* f);
}

template <class Aw>
decltype(auto) event_loop::run_until_complete(Aw&& aw) {
  using A = std::remove_cvref_t<Aw>;
  if constexpr (is_coroutine_v<A>) {
    auto t = create_task(std::move(aw));
    detail::run_until_done(*this, t.state());
    return std::move(t).result();
  } else {
    static_assert(std::is_base_of_v<any_future, A>,
                  "run_until_complete takes a weft::coro, task or future");
    detail::run_until_done(*this, aw.state());
    return std::forward<Aw>(aw).result();
  }
}

/// asyncio.create_task(coro, name=...) on the running loop; throws
/// std::runtime_error("no running event loop") without one.
template <class T>
task<T> create_task(coro<T> c, task_options opts) {
  return get_running_loop().create_task(std::move(c), std::move(opts));
}
template <class T>
task<T> create_task(coro<T> c) {
  return get_running_loop().create_task(std::move(c));
}

/// asyncio.current_task(): the task running now, or an empty handle. Throws
/// std::runtime_error("no running event loop") without a running loop.
any_task current_task();
/// asyncio.current_task(loop).
any_task current_task(event_loop& loop);

/// asyncio.all_tasks(): the running loop's tasks that are not done, in
/// creation order (asyncio returns a set).
std::vector<any_task> all_tasks();
/// asyncio.all_tasks(loop).
std::vector<any_task> all_tasks(event_loop& loop);

/// Labels where the running task is now (its site: a statement, a source
/// location), which the simulator names its decisions and deadlock reports
/// by (any_task::site()). Not copied: the text must outlive the task. No
/// effect outside a task. weft's own: asyncio has no such notion.
inline void set_current_site(std::string_view site) noexcept {
  if (event_loop* l = running_loop_or_null())
    if (detail::task_base* t = detail::loop_access::current_task(*l)) t->set_site(site);
}

/// asyncio.eager_task_factory: a task factory that starts every task eagerly.
void eager_task_factory(event_loop& loop, task_options& opts);

/// asyncio.create_eager_task_factory(...): a factory that applies `inner` (if
/// any), then starts the task eagerly. weft has no Task subclasses to pass, so
/// it takes another factory to compose with.
task_factory create_eager_task_factory(task_factory inner = {});

}  // namespace weft
