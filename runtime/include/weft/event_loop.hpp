#pragma once
/// The event loop. Mirrors asyncio's BaseEventLoop: call_soon / call_later /
/// call_at, run_until_complete / run_forever / stop, and one iteration exactly
/// as BaseEventLoop._run_once: due timers join the back of the ready queue, then
/// exactly the callbacks ready at that moment run; callbacks they schedule run
/// on the next iteration.

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "weft/clock.hpp"
#include "weft/exceptions.hpp"
#include "weft/scheduler.hpp"
#include "weft/detail/future_base.hpp"
#include "weft/detail/ready_item.hpp"
#include "weft/detail/ref_ptr.hpp"
#include "weft/detail/small_function.hpp"
#include "weft/detail/thread_inbox.hpp"
#include "weft/detail/timer_heap.hpp"

namespace weft {

class event_loop;
class executor;
class any_task;
struct task_options;
template <class T>
class coro;
template <class T>
class task;
template <class T>
class future;

namespace detail {
class task_base;
struct loop_access;

/// One scheduled callback (asyncio.Handle / TimerHandle). Pooled by the loop and
/// shared with the handles returned to users through a reference count.
struct callback_node : pooled {
  enum class where : std::uint8_t { idle, ready, timer };
  callback_fn fn;
  ref_ptr<future_base> arg;    // what fn receives (the done future), or null
  task_base* task = nullptr;   // the task fn steps or wakes (kept alive by fn/arg)
  ref_ptr<loop_anchor> anchor;  // the owning loop, which may be gone
  callback_node* next_free = nullptr;
  time_point when{};
  union {
    std::uint64_t seq = 0;      // queued: its place in the loop's order (ties of timers, ready ids)
    std::uint64_t callback_id;  // held by a future: what remove_done_callback names it by
  };
  std::uint32_t refs = 0;
  where at = where::idle;
  bool cancelled = false;
};

/// A FIFO of ready items (detail/ready_item.hpp) in a power-of-two
/// ring; grows, never shrinks.
class ready_queue {
 public:
  ready_queue() = default;
  ready_queue(const ready_queue&) = delete;
  ready_queue& operator=(const ready_queue&) = delete;
  std::size_t size() const noexcept { return tail_ - head_; }
  bool empty() const noexcept { return head_ == tail_; }
  bool full() const noexcept { return size() == mask_ + 1; }
  void push_back(ready_item it) {
    if (full()) grow();
    push_back_unchecked(it);
  }
  /// push_back when !full().
  void push_back_unchecked(ready_item it) noexcept { buf_[tail_++ & mask_] = it; }
  ready_item pop_front() noexcept { return buf_[head_++ & mask_]; }
  void grow() {
    std::vector<ready_item> b(buf_.empty() ? 64 : buf_.size() * 2);
    for (std::size_t i = 0, n = size(); i < n; ++i) b[i] = buf_[(head_ + i) & mask_];
    tail_ = size();
    head_ = 0;
    buf_ = std::move(b);
    mask_ = buf_.size() - 1;
  }

 private:
  std::vector<ready_item> buf_;
  std::size_t mask_ = std::size_t(-1);  // buf_.size() - 1: empty, it is full
  std::size_t head_ = 0, tail_ = 0;
};

/// Callbacks registered on the loop's running state in this thread.
constinit inline thread_local event_loop* running_loop = nullptr;
inline event_loop*& running_loop_slot() noexcept { return running_loop; }
[[noreturn]] void throw_no_running_loop();
}  // namespace detail

/// A scheduled callback; cancel() keeps it from running. Mirrors asyncio.Handle.
/// Copyable; a default-constructed handle refers to nothing.
class handle {
 public:
  handle() noexcept = default;
  handle(const handle& o) noexcept;
  handle(handle&& o) noexcept : n_(std::exchange(o.n_, nullptr)) {}
  handle& operator=(handle o) noexcept {
    std::swap(n_, o.n_);
    return *this;
  }
  ~handle() {
    if (n_) release();
  }
  /// Handle.cancel(): the callback will not run (no effect once it ran).
  void cancel() noexcept {
    if (n_ && !n_->cancelled) mark_cancelled();
  }
  /// Handle.cancelled().
  bool cancelled() const noexcept { return n_ && n_->cancelled; }
  explicit operator bool() const noexcept { return n_ != nullptr; }

 protected:
  friend class event_loop;
  explicit handle(detail::callback_node* n) noexcept;
  void release() noexcept;
  void mark_cancelled() noexcept;
  detail::callback_node* n_ = nullptr;
};

/// A callback scheduled for a time. Mirrors asyncio.TimerHandle.
class timer_handle : public handle {
 public:
  timer_handle() noexcept = default;
  /// TimerHandle.when(): the time the callback is scheduled for.
  time_point when() const noexcept { return n_ ? n_->when : time_point{}; }

 private:
  friend class event_loop;
  using handle::handle;
};

/// What the loop reports to its exception handler. Mirrors the context dict of
/// loop.call_exception_handler (message, exception, task).
struct exception_context {
  std::string message;
  std::exception_ptr exception;  // may be null
  std::string task_name;         // empty when no task is involved
};

/// A hook called for every task the loop creates, which may adjust its options
/// (eager_start, name). weft's counterpart of asyncio's task factory: C++ cannot
/// hand a factory an untyped coroutine to build a Task subclass from, so the
/// factory configures the task instead.
using task_factory = std::function<void(event_loop&, task_options&)>;

/// How to build an event loop. Both pointers are borrowed and must outlive the loop.
struct loop_options {
  /// The time source; null means the loop's own steady_clock (real time).
  weft::clock* clock = nullptr;
  /// The ready-queue policy; null means FIFO (asyncio's order).
  weft::scheduler* scheduler = nullptr;
  /// A livelock guard for tests: run_forever throws iteration_limit_error
  /// after this many iterations (0: no limit).
  std::uint64_t max_iterations = 0;
  /// A guard for programs under test that spawn without bound: create_task
  /// throws resource_limit_error while this many tasks are alive (created,
  /// not done), and so does the loop's next iteration, whatever the program
  /// did with the first (0: no limit). weft-only.
  std::size_t max_tasks = 0;
  /// A guard for programs under test that allocate without bound: the loop
  /// throws resource_limit_error once heap_in_use() (weft/heap.hpp) exceeds
  /// this, read every 1024 iterations (0: no limit). The heap is the
  /// process's: with loops on several threads it counts them all. weft-only.
  std::size_t max_heap = 0;
  /// Under a scheduler that orders thread completions (the simulator): how
  /// long the loop waits for the executor job it picked to post, wait or end
  /// before it gives up with std::runtime_error (a thread that waits for the
  /// loop other than through weft's threadsafe API would hang it). weft-only.
  duration thread_wait_limit = std::chrono::seconds(60);
  /// asyncio's debug mode (loop.set_debug): on, a loop method called from a
  /// thread other than the one running the loop throws std::runtime_error
  /// naming the method. On by default in builds without NDEBUG.
#ifdef NDEBUG
  bool debug = false;
#else
  bool debug = true;
#endif
};

/// Keeps an event loop waiting for other threads (asio's work guard): while
/// one exists, a loop with nothing ready and no timer waits for threadsafe
/// work instead of failing with deadlock_error, as an asyncio loop waits in
/// its selector. Movable; may be released on any thread.
class work_guard {
 public:
  work_guard() noexcept = default;
  work_guard(work_guard&& o) noexcept : inbox_(std::move(o.inbox_)) {}
  work_guard& operator=(work_guard o) noexcept {
    std::swap(inbox_, o.inbox_);
    return *this;
  }
  ~work_guard() { reset(); }
  /// Releases the loop (it may now report a deadlock).
  void reset() noexcept;
  explicit operator bool() const noexcept { return inbox_ != nullptr; }

 private:
  friend class event_loop;
  explicit work_guard(std::shared_ptr<detail::thread_inbox> inbox) noexcept;
  std::shared_ptr<detail::thread_inbox> inbox_;
};

/// An asyncio event loop. Single-threaded: use it from the thread that runs it;
/// other threads hand it work only through call_soon_threadsafe,
/// run_coroutine_threadsafe and the futures of run_in_executor (docs/threads.md).
/// The member templates that take or return tasks are defined in task.hpp,
/// run_in_executor in run_in_executor.hpp.
class event_loop {
 public:
  event_loop() : event_loop(loop_options{}) {}
  explicit event_loop(loop_options opts);
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;
  /// Closes the loop if needed; pending tasks are destroyed (their frames
  /// unwound) and reported as "Task was destroyed but it is pending!".
  ~event_loop();

  /// loop.call_soon(callback): runs `f()` on a later iteration, in FIFO order.
  template <class F>
  handle call_soon(F&& f) {
    check_thread("call_soon");
    return handle(push_ready(wrap(std::forward<F>(f)), nullptr, nullptr));
  }
  /// loop.call_soon_threadsafe(callback): the one method any thread may call.
  /// Queues `f()` to run on the loop, in the order this thread queued its
  /// callbacks, and wakes the loop if it waits. Returns nothing (a callback
  /// that may have to be skipped checks a flag of its own). Throws
  /// std::runtime_error if the loop is closed.
  template <class F>
  void call_soon_threadsafe(F&& f) {
    // From the loop's own thread, as call_soon (asyncio appends to the same queue).
    if (detail::running_loop_slot() == this) {
      call_soon(std::forward<F>(f));
      return;
    }
    detail::thread_item item;
    item.fn.emplace(wrap(std::forward<F>(f)));
    item.job = inbox_->job_of_this_thread();
    if (!inbox_->post(std::move(item))) throw std::runtime_error("Event loop is closed");
  }
  /// loop.run_in_executor(executor, fn): runs `fn()` on `ex` (null: the
  /// default executor, a thread_pool_executor made at first use) and returns
  /// a future of its result, or of what it threw. Cancelling the future
  /// keeps `fn` from running if it has not started when the loop runs the
  /// future's done callbacks (its next turn, as in asyncio). Defined in
  /// run_in_executor.hpp.
  template <class F>
  auto run_in_executor(executor* ex, F&& fn);
  /// loop.set_default_executor(executor).
  void set_default_executor(std::shared_ptr<executor> ex);
  /// loop.shutdown_default_executor(timeout): shuts the default executor
  /// down in a new thread and waits for it (at most `timeout`: past it, a
  /// RuntimeWarning is reported and the threads are left to end); later
  /// run_in_executor(nullptr, ...) calls throw std::runtime_error.
  coro<void> shutdown_default_executor(std::optional<duration> timeout = std::nullopt);
  /// Keeps the loop waiting for other threads while the guard lives.
  work_guard make_work_guard() { return work_guard(inbox_); }
  /// loop.set_debug(on) / loop.get_debug(): see loop_options::debug.
  void set_debug(bool on) noexcept { debug_.store(on, std::memory_order_relaxed); }
  bool get_debug() const noexcept { return debug_.load(std::memory_order_relaxed); }
  /// loop.call_later(delay, callback): runs `f()` once `delay` has passed.
  template <class F>
  timer_handle call_later(duration delay, F&& f) {
    return call_at(time() + delay, std::forward<F>(f));
  }
  /// loop.call_at(when, callback): runs `f()` at loop time `when`.
  template <class F>
  timer_handle call_at(time_point when, F&& f) {
    check_thread("call_at");
    return timer_handle(push_timer(when, wrap(std::forward<F>(f))));
  }
  /// loop.time(): the current time of this loop's clock.
  time_point time() const { return clock_->now(); }
  /// The loop's clock.
  weft::clock& get_clock() const noexcept { return *clock_; }

  /// loop.run_until_complete(future): runs the loop until `aw` (a task, a
  /// future, or a coroutine, which is wrapped in a task) is done, and returns
  /// its result or throws its exception. Throws deadlock_error if the loop runs
  /// out of work first.
  template <class Aw>
  decltype(auto) run_until_complete(Aw&& aw);
  /// loop.run_forever(): runs iterations until stop() is called.
  void run_forever();
  /// loop.stop(): the loop stops after finishing the current iteration.
  void stop() noexcept { stopping_ = true; }
  /// loop.is_running().
  bool is_running() const noexcept { return running_; }
  /// loop.is_closed().
  bool is_closed() const noexcept { return closed_; }
  /// loop.close(): drops pending callbacks and timers; pending tasks are
  /// destroyed (reported as "Task was destroyed but it is pending!", their
  /// frames unwound), and so are the done callbacks its futures still hold,
  /// which can no longer run: what they hold is released, so tasks and futures
  /// that only hold each other (a gather and its children) are freed. Throws
  /// std::runtime_error if the loop is running.
  void close();

  /// loop.create_future(): a new pending future of this loop.
  template <class T = void>
  future<T> create_future();
  /// loop.create_task(coro, name=...): wraps `c` in a task scheduled to start
  /// on the next iteration (or started at once with eager_start).
  template <class T>
  task<T> create_task(coro<T> c, task_options opts);
  template <class T>
  task<T> create_task(coro<T> c);

  /// loop.set_task_factory(factory); an empty function restores the default.
  void set_task_factory(task_factory f) { task_factory_ = std::move(f); }
  /// loop.get_task_factory(); empty when the default is in use.
  const task_factory& get_task_factory() const noexcept { return task_factory_; }

  /// loop.set_exception_handler(handler); an empty function restores the default.
  void set_exception_handler(std::function<void(event_loop&, const exception_context&)> h) {
    exception_handler_ = std::move(h);
  }
  /// loop.call_exception_handler(context).
  void call_exception_handler(const exception_context& ctx);
  /// loop.default_exception_handler(context): writes the context to stderr.
  void default_exception_handler(const exception_context& ctx);

  /// Iterations (BaseEventLoop._run_once calls) run so far.
  std::uint64_t iterations() const noexcept { return iterations_; }
  /// Number of callbacks waiting in the ready queue (introspection, tests).
  std::size_t ready_count() const noexcept { return ready_.size(); }
  /// Number of timers scheduled, cancelled ones included until removed.
  std::size_t timer_count() const noexcept { return timers_.size(); }
  /// The sequence number (ready_entry::sequence) the next callback or timer
  /// scheduled will get: read between callbacks, it tells which callback
  /// scheduled which (the simulator's timelines).
  std::uint64_t next_sequence() const noexcept { return seq_; }

 private:
  // Futures and tasks drive the loop through the internals below; nothing
  // else may (the free functions that need the current task or the task
  // registry go through detail::loop_access).
  friend class handle;
  friend class detail::future_base;
  friend class detail::task_base;
  friend struct detail::loop_access;

  /// Schedules `g(arg)` on the ready queue (the engine of call_soon). `g` is
  /// a callback_fn (moved in) or a callable taking a future_base*, built in
  /// the loop's node with no intermediate object.
  template <class G>
  detail::callback_node* push_ready(G&& g, detail::future_base* arg, detail::task_base* task) {
    check_closed();
    return enqueue_ready(make_node(std::forward<G>(g)), arg, task);
  }
  /// A future's done callback, held in a node of this loop until the future
  /// is done (schedule_held queues it; drop_held frees it, also once the loop
  /// is gone). `id` identifies it for remove_done_callback. A closed loop
  /// still takes one, as asyncio's add_done_callback does.
  template <class G>
  detail::callback_node* hold(G&& g, detail::task_base* owner, std::uint64_t id) {
    detail::callback_node* n = make_node(std::forward<G>(g));
    n->task = owner;
    n->callback_id = id;
    return n;
  }
  void schedule_held(detail::callback_node* n, detail::future_base* arg) { enqueue_ready(n, arg, n->task); }
  /// Queues a task's step or its gatherer's callback (`it`, not a node) and
  /// returns its sequence number. Once it returns, the queue owns a reference
  /// to the task that the caller must add (dropped once the item ran, or at close).
  std::uint64_t push_task_item(detail::ready_item it) {
    check_closed();
    if (ready_.full()) [[unlikely]]
      grow_ready(nullptr);
    ready_.push_back_unchecked(it);
    return seq_++;
  }
  static void drop_held(detail::callback_node* n) noexcept;
  /// Schedules `g(nullptr)` for loop time `when` (the engine of call_at).
  template <class G>
  detail::callback_node* push_timer(time_point when, G&& g) {
    check_closed();
    return enqueue_timer(make_node(std::forward<G>(g)), when);
  }
  void check_closed() const {
    if (closed_) throw std::runtime_error("Event loop is closed");
  }
  /// Debug mode: a method called from a thread other than the loop's fails.
  void check_thread(const char* method) const {
    if (debug_.load(std::memory_order_relaxed)) [[unlikely]] {
      const std::thread::id owner = thread_id_.load(std::memory_order_relaxed);
      if (owner != std::thread::id() && owner != std::this_thread::get_id()) foreign_thread(method);
    }
  }
  [[noreturn]] void foreign_thread(const char* method) const;
  // Threads (thread_work.cpp). An executor job, or a wait for another
  // thread's result (wrap_future), is registered with the function that
  // delivers its result on the loop; other threads only post its number.
  std::uint64_t begin_job(detail::callback_fn finish, bool controlled);
  executor& default_executor();
  bool threads_pending() const noexcept { return inbox_->pending() || !jobs_.empty(); }
  void take_thread_work();
  void accept(detail::thread_item& item);
  void deliver_job_event(std::size_t job_index);
  bool waits_for_threads() noexcept;
  /// An executor job not waiting on a concurrent_future: its next event will come.
  bool runnable_job() noexcept;
  bool controls_threads() const noexcept;
  const std::shared_ptr<detail::thread_inbox>& inbox() const noexcept { return inbox_; }
  [[noreturn]] void refuse_task();
  /// The limits of loop_options, checked at each iteration's start when set.
  void check_limits();
  detail::task_base* current_task_ptr() const noexcept { return current_task_; }
  void enter_task(detail::task_base* t) {
    if (current_task_) [[unlikely]]
      cannot_enter_task(t);
    current_task_ = t;
  }
  void leave_task(detail::task_base* t) noexcept {
    if (current_task_ == t) current_task_ = nullptr;
  }
  [[noreturn]] void cannot_enter_task(detail::task_base* t) const;
  detail::task_base* swap_current_task(detail::task_base* t) noexcept {
    return std::exchange(current_task_, t);
  }
  const detail::ref_ptr<detail::loop_anchor>& anchor() const noexcept { return anchor_; }
  std::uint64_t next_task_number() noexcept { return ++task_counter_; }
  void register_task(detail::task_base* t) noexcept;
  void unregister_task(detail::task_base* t) noexcept;
  detail::task_base* first_task() const noexcept { return tasks_head_; }
  /// Drops the loop's reference to a node it made (after running it, or when
  /// it is discarded unrun).
  void unqueue(detail::callback_node* n) noexcept;
  /// Returns a node nobody references to the free list.
  void recycle(detail::callback_node* n) noexcept;
  void timer_cancelled() noexcept { ++timer_cancelled_count_; }
  /// The scheduler, or null for FIFO.
  weft::scheduler* scheduler() const noexcept { return scheduler_; }

  template <class F>
  static auto wrap(F&& f) {
    return [f = std::forward<F>(f)](detail::future_base*) mutable { f(); };
  }
  template <class G>
  detail::callback_node* make_node(G&& g) {
    detail::callback_node* n = new_node();
    if constexpr (std::is_same_v<std::remove_cvref_t<G>, detail::callback_fn>) {
      static_assert(!std::is_lvalue_reference_v<G>, "a callback_fn is moved into the loop");
      n->fn = std::move(g);
    } else {
      try {
        n->fn.emplace(std::forward<G>(g));
      } catch (...) {  // a callable too large for the node could not be allocated
        recycle(n);
        throw;
      }
    }
    return n;
  }
  // Queue a node made by make_node; on failure the node is dropped (unqueue).
  // Inline: it runs twice per task (its step, its done callback).
  detail::callback_node* enqueue_ready(detail::callback_node* n, detail::future_base* arg, detail::task_base* task) {
    if (ready_.full()) [[unlikely]]
      grow_ready(n);
    ready_.push_back_unchecked(detail::ready_item::of(n));
    n->seq = seq_++;
    n->arg = detail::ref_ptr<detail::future_base>(arg);
    n->task = task;
    n->at = detail::callback_node::where::ready;
    return n;
  }
  void grow_ready(detail::callback_node* n);
  detail::callback_node* enqueue_timer(detail::callback_node* n, time_point when);
  /// A node from the free list (allocate_node when it is empty), held by the loop.
  detail::callback_node* new_node() {
    detail::callback_node* n = free_nodes_;
    if (n) [[likely]] {
      free_nodes_ = n->next_free;
      --free_count_;
    } else {
      n = allocate_node();
    }
    n->refs = 1;  // the loop's
    n->cancelled = false;
    return n;
  }
  detail::callback_node* allocate_node();
  void trim_idle_nodes() noexcept;
  void run_once();
  void run_node(detail::callback_node* n);
  void run_queued_step(detail::task_base* t);
  void run_gatherer_callback(detail::task_base* child);
  void run_item(detail::ready_item it) {
    if (it.is_node())
      run_node(it.node());
    else if (it.is_step())
      run_queued_step(it.task());
    else
      run_gatherer_callback(it.task());
  }
  /// Drops an item's hold on what it queued (loop close).
  void discard(detail::ready_item it) noexcept;
  void move_due_timers();
  void wait_for_work();
  void drop_pending_tasks();
  void discard_queued() noexcept;
  void discard_unrunnable() noexcept;

  weft::steady_clock own_clock_;
  weft::clock* clock_;
  weft::scheduler* scheduler_;  // null for FIFO: the hot path never calls it
  detail::ready_queue ready_;
  detail::timer_heap timers_;
  std::vector<ready_entry> batch_;  // scheduler path: this iteration's callbacks
  std::vector<due_timer> due_;      // scheduler path: timers due together
  detail::callback_node* free_nodes_ = nullptr;
  std::size_t free_count_ = 0;  // nodes on free_nodes_
  // Every node this loop allocated, whatever holds it now (the free list, a
  // queue, a future's done callbacks, a handle): what a closed loop walks to
  // drop the done callbacks that can no longer run. Grows with the pool, so a
  // warm loop never touches it.
  std::vector<detail::callback_node*> all_nodes_;
  std::uint64_t seq_ = 0;
  std::size_t timer_cancelled_count_ = 0;
  detail::ref_ptr<detail::loop_anchor> anchor_;
  detail::task_base* current_task_ = nullptr;
  detail::task_base* tasks_head_ = nullptr;  // tasks not done, in creation order
  detail::task_base* tasks_tail_ = nullptr;
  std::uint64_t task_counter_ = 0;
  std::uint64_t iterations_ = 0;
  std::uint64_t max_iterations_ = 0;
  std::size_t live_tasks_ = 0;
  std::size_t max_tasks_ = 0;
  std::size_t max_heap_ = 0;
  std::string limit_reached_;  // once a limit is reached, what every later iteration throws
  task_factory task_factory_;
  std::function<void(event_loop&, const exception_context&)> exception_handler_;
  // Threads: what they post, the jobs whose results the loop waits for, in
  // order of their numbers (the loop's thread only), the default executor.
  struct thread_job {
    std::uint64_t id;
    detail::callback_fn finish;  // delivers the result on the loop
    std::deque<detail::thread_item> events;     // under a simulator: what it sent, not yet delivered
    std::shared_ptr<detail::concurrent_state_base> blocked_on;  // it waits on this
    bool controlled;  // an executor job (a simulator decides when its events arrive)
  };
  std::shared_ptr<detail::thread_inbox> inbox_;
  std::vector<thread_job> jobs_;
  std::vector<detail::thread_item> inbound_;
  std::uint64_t job_counter_ = 0;
  std::shared_ptr<executor> default_executor_;
  std::thread executor_shutdown_thread_;
  // Read by other threads (debug mode's check): the running thread, or none.
  std::atomic<std::thread::id> thread_id_{};
  duration thread_wait_limit_;
  bool executor_shutdown_called_ = false;
  std::atomic<bool> debug_;
  bool running_ = false;
  bool stopping_ = false;
  bool trim_due_ = false;  // idle nodes were past the trim threshold at the last iteration's start
  bool closed_ = false;
  const bool limited_;  // some limit of max_iterations_, max_tasks_, max_heap_ is set
};

namespace detail {
/// What weft's own free functions (current_task, all_tasks, run) need of a
/// loop's internals; not for users.
struct loop_access {
  static task_base* current_task(const event_loop& l) noexcept { return l.current_task_ptr(); }
  static task_base* first_task(const event_loop& l) noexcept { return l.first_task(); }
  static void check_closed(const event_loop& l) { l.check_closed(); }
  static weft::scheduler* scheduler(const event_loop& l) noexcept { return l.scheduler(); }
  static const std::shared_ptr<thread_inbox>& inbox(const event_loop& l) noexcept { return l.inbox(); }
  template <class F>
  static std::uint64_t begin_job(event_loop& l, F&& finish, bool controlled) {
    return l.begin_job(callback_fn(event_loop::wrap(std::forward<F>(finish))), controlled);
  }
  static executor& default_executor(event_loop& l) { return l.default_executor(); }
  static void check_thread(const event_loop& l, const char* method) { l.check_thread(method); }
};
}  // namespace detail

/// asyncio.get_running_loop(): the loop running in this thread; throws
/// std::runtime_error("no running event loop") if none is.
inline event_loop& get_running_loop() {
  event_loop* l = detail::running_loop_slot();
  if (!l) [[unlikely]]
    detail::throw_no_running_loop();
  return *l;
}

/// The running loop of this thread, or nullptr (asyncio._get_running_loop()).
inline event_loop* running_loop_or_null() noexcept { return detail::running_loop_slot(); }

namespace detail {
[[noreturn]] void throw_no_current_task();
/// require_current_task() inline, for the awaits on the hot path.
inline task_base* current_task_or_throw() {
  event_loop* l = running_loop_slot();
  task_base* t = l ? loop_access::current_task(*l) : nullptr;
  if (!t) [[unlikely]]
    throw_no_current_task();
  return t;
}
}  // namespace detail

namespace detail {
template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, callback_fn>)
std::uint64_t future_base::add_done_callback(F&& f, task_base* owner) {
  event_loop* l = anchor_->loop;
  if (state_ != state::pending || !l || !no_callbacks_held())
    return add_done_callback(callback_fn(std::forward<F>(f)), owner);
  const std::uint64_t id = ++next_callback_id_;
  set_first_node(l->hold(std::forward<F>(f), owner, id));
  return id;
}
}  // namespace detail

}  // namespace weft
