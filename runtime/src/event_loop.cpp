#include "weft/event_loop.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "weft/executor.hpp"
#include "weft/heap.hpp"
#include "weft/task.hpp"

namespace weft {

// ---- clocks ----

time_point steady_clock::now() {
  return time_point(std::chrono::duration_cast<duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

void steady_clock::wait_until(time_point deadline) {
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline.time_since_epoch())));
}

loop_clock::time_point loop_clock::now() { return get_running_loop().time(); }

// ---- running loop ----

void detail::throw_no_running_loop() { throw std::runtime_error("no running event loop"); }

// ---- handles ----

handle::handle(detail::callback_node* n) noexcept : n_(n) { ++n_->refs; }
handle::handle(const handle& o) noexcept : n_(o.n_) {
  if (n_) ++n_->refs;
}
void handle::release() noexcept {
  if (--n_->refs == 0) {
    if (event_loop* l = n_->anchor->loop)
      l->recycle(n_);
    else
      delete n_;
  }
}

void handle::mark_cancelled() noexcept {
  n_->cancelled = true;
  if (n_->at == detail::callback_node::where::timer && n_->anchor->loop) n_->anchor->loop->timer_cancelled();
}

// ---- the loop ----

event_loop::event_loop(loop_options opts)
    : clock_(opts.clock ? opts.clock : &own_clock_),
      scheduler_(opts.scheduler && !opts.scheduler->is_fifo() ? opts.scheduler : nullptr),
      anchor_(detail::ref_ptr<detail::loop_anchor>::adopt(new detail::loop_anchor{this})),
      max_iterations_(opts.max_iterations),
      max_tasks_(opts.max_tasks),
      max_heap_(opts.max_heap),
      inbox_(std::make_shared<detail::thread_inbox>()),
      thread_wait_limit_(opts.thread_wait_limit),
      debug_(opts.debug),
      limited_(max_iterations_ || max_tasks_ || max_heap_) {}

event_loop::~event_loop() {
  if (running_) {
    std::fputs("weft: fatal: an event loop was destroyed while running\n", stderr);
    std::terminate();
  }
  if (!closed_) close();
  // Whatever was scheduled or added after close can never run either.
  discard_unrunnable();
  // The default executor's threads end before the loop does (its destructor
  // joins them); a shutdown still under way is waited for too.
  default_executor_.reset();
  if (executor_shutdown_thread_.joinable()) executor_shutdown_thread_.join();
  anchor_->loop = nullptr;
  while (free_nodes_) delete std::exchange(free_nodes_, free_nodes_->next_free);
}

// Out of line, so that new_node's free-list path stays a few instructions with
// no register saved (this one is not: it grows two containers).
[[gnu::noinline]] detail::callback_node* event_loop::allocate_node() {
  // Room first, so that the node cannot leak (doubling: reserve(size() + 1)
  // would copy the whole list for every new node).
  if (all_nodes_.size() == all_nodes_.capacity()) all_nodes_.reserve(std::max<std::size_t>(64, 2 * all_nodes_.size()));
  auto* n = new detail::callback_node;
  n->anchor = anchor_;
  all_nodes_.push_back(n);
  return n;
}

void event_loop::unqueue(detail::callback_node* n) noexcept {
  n->at = detail::callback_node::where::idle;
  n->fn.reset();
  n->arg.reset();
  n->task = nullptr;
  if (--n->refs == 0) recycle(n);
}

void event_loop::recycle(detail::callback_node* n) noexcept {
  n->next_free = free_nodes_;
  free_nodes_ = n;
  ++free_count_;
}

// A burst (a million timers scheduled, then fired or cancelled) leaves its
// nodes on the free list and its capacity in the timer heap: past 4096 idle
// nodes that are also half of all nodes at the start of two iterations in a
// row (run_once), keep 1024 and give the rest back to
// the frame pool (whose own idle policy returns the chunks). O(all nodes),
// and the next trim needs 3000 more idle nodes: amortised O(1) per node.
void event_loop::trim_idle_nodes() noexcept {
  // One pass over all_nodes_, in allocation order (which is memory order), not
  // along the free list (freed in whatever order: a cache miss per node).
  // Only free nodes have no reference.
  constexpr std::size_t keep = 1024;
  trim_due_ = false;
  free_nodes_ = nullptr;
  free_count_ = 0;
  std::erase_if(all_nodes_, [this](detail::callback_node* x) {
    if (x->refs != 0) return false;
    if (free_count_ < keep) {
      recycle(x);
      return false;
    }
    delete x;
    return true;
  });
  all_nodes_.shrink_to_fit();
  timers_.shrink();
}

void event_loop::drop_held(detail::callback_node* n) noexcept {
  if (event_loop* l = n->anchor->loop)
    l->unqueue(n);
  else
    delete n;
}

// Out of line, so that enqueue_ready saves no register for it.
[[gnu::noinline]] void event_loop::grow_ready(detail::callback_node* n) {
  try {
    ready_.grow();
  } catch (...) {
    if (n) unqueue(n);
    throw;
  }
}

detail::callback_node* event_loop::enqueue_timer(detail::callback_node* n, time_point when) {
  try {
    if (scheduler_) when = std::max(when, scheduler_->timer_deadline(when));
    n->seq = seq_++;
    timers_.push({when, n});
  } catch (...) {
    unqueue(n);
    throw;
  }
  n->when = when;  // TimerHandle.when() reports the (possibly late) deadline
  n->at = detail::callback_node::where::timer;
  return n;
}

void event_loop::run_node(detail::callback_node* n) {
  n->at = detail::callback_node::where::idle;
  if (!n->cancelled) {
    // Handle._run: an exception escaping a callback goes to the exception handler.
    try {
      n->fn(n->arg.get());
    } catch (...) {
      call_exception_handler({"Exception in callback", std::current_exception(), {}});
    }
  }
  unqueue(n);
}

void event_loop::run_gatherer_callback(detail::task_base* child) {
  const auto queued = detail::ref_ptr<detail::task_base>::adopt(child);  // the queue's reference
  const detail::ref_ptr<detail::future_base> gatherer = child->take_gatherer();
  try {
    gatherer->child_done(child);
  } catch (...) {
    call_exception_handler({"Exception in callback", std::current_exception(), {}});
  }
}

void event_loop::discard(detail::ready_item it) noexcept {
  if (it.is_node()) return unqueue(it.node());
  if (!it.is_step()) (void)it.task()->take_gatherer();
  intrusive_release(static_cast<detail::future_base*>(it.task()));
}

void event_loop::move_due_timers() {
  // BaseEventLoop._run_once: drop cancelled timers when they are too many,
  // else from the head of the heap; then move every due timer to the ready queue.
  // Called with at least one timer.
  constexpr std::size_t min_scheduled = 100;
  if (timers_.size() > min_scheduled && timer_cancelled_count_ * 2 > timers_.size()) {
    timers_.remove_if([this](detail::callback_node* n) {
      if (!n->cancelled) return false;
      unqueue(n);
      return true;
    });
    timer_cancelled_count_ = 0;
  } else if (timer_cancelled_count_) {
    while (!timers_.empty() && timers_.front().node->cancelled) {
      --timer_cancelled_count_;
      detail::callback_node* n = timers_.front().node;
      timers_.pop();
      unqueue(n);
    }
  }
  if (timers_.empty()) return;
  if (ready_.empty() && !stopping_) wait_for_work();
  const time_point now = clock_->now();
  std::size_t first_due = due_.size();
  while (!timers_.empty() && timers_.front().when <= now) {
    const detail::timer_heap::entry e = timers_.front();
    timers_.pop();
    if (e.node->cancelled) --timer_cancelled_count_;
    if (scheduler_) {
      due_.push_back({e.when, e.node->seq, e.node});
    } else {
      e.node->at = detail::callback_node::where::ready;
      ready_.push_back(detail::ready_item::of(e.node));
    }
  }
  // The next timer's node is far from the last one's in memory: fetch it
  // while this iteration's callbacks run.
  if (!timers_.empty()) __builtin_prefetch(timers_.front().node);
  if (scheduler_ && due_.size() > first_due) {
    scheduler_->order_due(std::span<due_timer>(due_).subspan(first_due));
    for (const due_timer& d : due_) {
      d.node->at = detail::callback_node::where::ready;
      ready_.push_back(detail::ready_item::of(d.node));
    }
    due_.clear();
  }
}

void event_loop::wait_for_work() {
  // The selector's timeout: block until the earliest timer is due, or until
  // another thread posts. A virtual clock first waits for the executor jobs
  // not blocked on the loop: threads take no virtual time (under a simulator
  // it decided that already).
  const time_point deadline = timers_.front().when;
  if (clock_->sleeps()) {
    const time_point now = clock_->now();
    if (deadline > now) inbox_->wait(deadline - now);
    return;
  }
  if (!jobs_.empty() && !controls_threads() && runnable_job()) {
    inbox_->wait(std::nullopt);
    return;
  }
  clock_->wait_until(deadline);
}

void event_loop::run_once() {
  ++iterations_;
  if (limited_) [[unlikely]]
    check_limits();
  // Idle nodes are trimmed once they stayed idle through a whole iteration:
  // a burst of callbacks followed at once by a burst of waits reuses them.
  if (free_count_ > 4096 && 2 * free_count_ > all_nodes_.size()) [[unlikely]] {
    if (std::exchange(trim_due_, true)) trim_idle_nodes();
  } else {
    trim_due_ = false;
  }
  if (threads_pending()) [[unlikely]]
    take_thread_work();
  if (!timers_.empty()) move_due_timers();  // nothing to drop or move without a timer
  if (ready_.empty() && timers_.empty() && !stopping_) {
    if (!waits_for_threads())
      throw deadlock_error(
          "event loop deadlock: no callback is ready, no timer is scheduled, no other thread is working for the "
          "loop, and the loop was not stopped");
    // What arrives is taken on the next iteration; under a simulator, that
    // iteration picks a job whose work may have arrived already.
    if (!(controls_threads() && runnable_job())) inbox_->wait(std::nullopt);
    return;
  }
  std::size_t ntodo = ready_.size();
  if (!scheduler_) {
    for (std::size_t i = 0; i < ntodo; ++i) run_item(ready_.pop_front());
    return;
  }
  batch_.clear();
  for (std::size_t i = 0; i < ntodo; ++i) batch_.emplace_back(ready_.pop_front());
  // Callbacks scheduled by this batch must wait for the next iteration: keep
  // the batch aside and let the scheduler pick from what remains of it. The
  // chosen entry moves to the head, so a FIFO pick costs O(1), not O(batch).
  for (std::size_t head = 0; head < ntodo; ++head) {
    const std::size_t remaining = ntodo - head;
    std::size_t i = remaining == 1 ? 0 : scheduler_->pick(std::span<const ready_entry>(batch_.data() + head, remaining));
    if (i >= remaining) throw std::logic_error("scheduler::pick returned an index out of range");
    if (i) {
      // One memmove, not std::rotate's element-by-element loop.
      const auto first = batch_.begin() + static_cast<std::ptrdiff_t>(head);
      const ready_entry chosen = first[static_cast<std::ptrdiff_t>(i)];
      std::copy_backward(first, first + static_cast<std::ptrdiff_t>(i), first + static_cast<std::ptrdiff_t>(i) + 1);
      *first = chosen;
    }
    if (scheduler_->observes_runs()) scheduler_->on_run(batch_[head]);
    run_item(batch_[head].item());
  }
}

void event_loop::run_forever() {
  check_closed();
  if (running_) throw std::runtime_error("This event loop is already running");
  if (detail::running_loop_slot()) throw std::runtime_error("Cannot run the event loop while another loop is running");
  struct guard {
    event_loop& l;
    ~guard() {
      l.stopping_ = false;
      l.running_ = false;
      l.thread_id_.store(std::thread::id(), std::memory_order_relaxed);
      detail::running_loop_slot() = nullptr;
    }
  } g{*this};
  running_ = true;
  thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  detail::running_loop_slot() = this;
  while (true) {
    run_once();
    if (stopping_) break;
  }
}

void event_loop::close() {
  if (running_) throw std::runtime_error("Cannot close a running event loop");
  if (closed_) return;
  closed_ = true;
  // Other threads' posts are refused from now on; what they posted is
  // dropped here, on the loop's thread, with the jobs' results.
  inbox_->close();
  jobs_.clear();
  // Callbacks and timers go first (they hold tasks), then the pending tasks,
  // then what is left that can never run.
  discard_queued();
  drop_pending_tasks();
  discard_unrunnable();
  // BaseEventLoop.close: executor.shutdown(wait=False).
  if (default_executor_) std::exchange(default_executor_, nullptr)->shutdown(false);
}

void event_loop::discard_queued() noexcept {
  while (!ready_.empty()) discard(ready_.pop_front());
  for (const detail::timer_heap::entry& e : timers_) unqueue(e.node);
  timers_.clear();
  timer_cancelled_count_ = 0;
}

void event_loop::discard_unrunnable() noexcept {
  // A closed loop runs nothing, so the done callbacks its futures still hold
  // are dead: destroy them (their nodes stay with their futures, empty). Their
  // captures are what keeps tasks and futures in cycles once the pending
  // tasks' frames are gone: a gather holds its children, and each child holds
  // the gather through the done callback gather added to it (asyncio leaves
  // such cycles to the garbage collector). Destroying a capture may free
  // futures, whose unwinding may schedule callbacks or add new ones: repeat
  // until a pass finds nothing.
  for (bool again = true; again;) {
    discard_queued();
    again = false;
    for (std::size_t i = 0; i < all_nodes_.size(); ++i) {
      detail::callback_node* n = all_nodes_[i];
      if (!n->fn) continue;
      n->task = nullptr;
      // Moved out first: the capture's destructor may drop this very node
      // (its future freed), which resets n->fn again.
      detail::callback_fn dead = std::move(n->fn);
      again = true;
    }
  }
}

void event_loop::drop_pending_tasks() {
  std::vector<detail::ref_ptr<detail::task_base>> pending;
  for (detail::task_base* t = tasks_head_; t; t = t->reg_next_) pending.emplace_back(t);
  for (auto& t : pending) t->abandon();
}

void event_loop::cannot_enter_task(detail::task_base* t) const {
  throw std::runtime_error("Cannot enter into task " + t->get_name() + " while another task " +
                           current_task_->get_name() + " is being executed.");
}

void event_loop::refuse_task() {
  limit_reached_ = "more than " + std::to_string(max_tasks_) + " tasks alive at once (loop_options::max_tasks)";
  throw resource_limit_error(limit_reached_);
}

void event_loop::check_limits() {
  if (max_iterations_ && iterations_ > max_iterations_)
    throw iteration_limit_error("the loop ran more than " + std::to_string(max_iterations_) +
                                " iterations (loop_options::max_iterations): a livelock?");
  if (limit_reached_.empty() && max_heap_ && iterations_ % 1024 == 0 && heap_exceeds(max_heap_))
    limit_reached_ = "the heap grew past " + std::to_string(max_heap_) + " bytes (loop_options::max_heap)";
  if (!limit_reached_.empty()) throw resource_limit_error(limit_reached_);
}

void event_loop::register_task(detail::task_base* t) noexcept {
  ++live_tasks_;
  t->registered_ = true;
  t->reg_prev_ = tasks_tail_;
  t->reg_next_ = nullptr;
  (tasks_tail_ ? tasks_tail_->reg_next_ : tasks_head_) = t;
  tasks_tail_ = t;
}

void event_loop::unregister_task(detail::task_base* t) noexcept {
  if (!t->registered_) return;
  --live_tasks_;
  t->registered_ = false;
  (t->reg_prev_ ? t->reg_prev_->reg_next_ : tasks_head_) = t->reg_next_;
  (t->reg_next_ ? t->reg_next_->reg_prev_ : tasks_tail_) = t->reg_prev_;
  t->reg_prev_ = t->reg_next_ = nullptr;
}

void event_loop::call_exception_handler(const exception_context& ctx) {
  if (exception_handler_) {
    try {
      exception_handler_(*this, ctx);
      return;
    } catch (...) {
      // BaseEventLoop.call_exception_handler: a failing handler is reported
      // by the default one.
      default_exception_handler({"Unhandled error in exception handler", std::current_exception(), {}});
    }
  }
  default_exception_handler(ctx);
}

void event_loop::default_exception_handler(const exception_context& ctx) {
  std::string line = "weft: " + ctx.message;
  if (!ctx.task_name.empty()) line += " (task " + ctx.task_name + ")";
  if (ctx.exception) line += ": " + describe(ctx.exception);
  std::fprintf(stderr, "%s\n", line.c_str());
}

namespace {
// The task a ready item steps or wakes, or null (a gatherer's callback has
// none, as gather's done callback node has none).
const detail::task_base* task_of(detail::ready_item it) noexcept {
  if (it.is_node()) return it.node()->task;
  return it.is_step() ? it.task() : nullptr;
}
}  // namespace

const detail::task_base* ready_entry::task() const noexcept { return task_of(item_); }
std::string ready_entry::task_name() const {
  const detail::task_base* t = task_of(item_);
  return t ? t->get_name() : std::string();
}
std::string_view ready_entry::task_name(task_name_room& room) const {
  const detail::task_base* t = task_of(item_);
  return t ? t->name(room) : std::string_view();
}
std::uint64_t ready_entry::task_steps() const noexcept {
  const detail::task_base* t = task_of(item_);
  return t ? t->steps() : 0;
}
std::string ready_entry::task_site() const {
  const detail::task_base* t = task_of(item_);
  return t ? t->site() : std::string();
}
std::string ready_entry::reported_task_name() const {
  if (item_.is_step()) return {};
  if (!item_.is_node()) return item_.task()->get_name();  // the done task a gatherer's callback reports
  const detail::callback_node* n = item_.node();
  if (n->task || !n->arg || !n->arg->is_task()) return {};
  return static_cast<const detail::task_base*>(n->arg.get())->get_name();
}
std::uint64_t ready_entry::sequence() const noexcept {
  return item_.is_node() ? item_.node()->seq : item_.task()->queued_sequence();
}

}  // namespace weft
