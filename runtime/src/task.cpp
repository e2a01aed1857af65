#include "weft/task.hpp"
#include "weft/detail/planted.hpp"

#include <charconv>
#include <cstdio>

#include "weft/gather.hpp"
#include "weft/run.hpp"
#include "weft/sleep.hpp"

namespace weft {
namespace detail {

namespace {

// A task's name, from the frame pool like the task itself: a named task
// costs no malloc (a name of up to 15 characters fits in the string).
template <class S>
std::string* new_name(S&& name) {
  return ::new (frame_pool::allocate(sizeof(std::string))) std::string(std::forward<S>(name));
}

void delete_name(std::string* name) noexcept {
  name->~basic_string();
  frame_pool::deallocate(name, sizeof(std::string));
}

}  // namespace

task_base::task_base(event_loop& loop, std::coroutine_handle<> top, promise_base* promise,
                     std::optional<std::string_view> name)
    : future_base(loop),
      top_(top),
      resume_(top),
      promise_(promise),
      info_(promise->info()),
      reused_(promise->started_) {
  kind_ = kind::task;
  if (name) {
    name_ = new_name(*name);
    named_ = true;
  } else {
    number_ = loop.next_task_number();  // Task-N, counted per loop
  }
}

task_base::~task_base() {
  if (log_traceback_) report_unretrieved("Task exception was never retrieved", get_name());
  // Task.__del__ of a pending task: one whose queued step a closing loop
  // dropped (drop_pending_tasks abandons the others).
  if (registered_ && anchor_->loop) abandon();
  destroy_frame();
  if (named_) delete_name(name_);
}

std::string task_base::get_name() const {
  task_name_room room;
  return std::string(name(room));
}

std::string_view task_base::name(task_name_room& room) const noexcept {
  if (named_) return *name_;
  constexpr std::string_view prefix = "Task-";
  prefix.copy(room.data(), prefix.size());
  // 5 + at most 20 digits: to_chars cannot run out of room.
  char* end = std::to_chars(room.data() + prefix.size(), room.data() + room.size(), number_).ptr;
  return {room.data(), static_cast<std::size_t>(end - room.data())};
}

void task_base::set_name(std::string name) {
  if (named_) {
    *name_ = std::move(name);
  } else {
    name_ = new_name(std::move(name));
    named_ = true;
  }
}

source_site task_base::suspended_at() const noexcept {
  // The frames from the task's coroutine down to the one whose await
  // suspended it; the deepest that is the user's names the site.
  if (!top_ || !started_ || resumed_ || top_.done()) return {};
  source_site deepest, user;
  for (const promise_base* p = promise_; p; p = p->awaiting()) {
    deepest = p->site();
    if (deepest && !is_weft_source(deepest.file)) user = deepest;
  }
  return user ? user : deepest;
}

std::string task_base::site() const {
  if (site_size_) return std::string(label());
  return to_string(suspended_at());
}

std::string task_base::describe_state() const {
  std::string s = future_base::describe_state();
  return s.replace(s.find("Future"), 6, "Task " + get_name());
}

void task_base::destroy_frame() noexcept {
  if (top_) {
    // The frame of a task that never ran is not "never awaited": the task took it.
    promise_->started_ = true;
    std::exchange(top_, nullptr).destroy();
  }
}

void task_base::schedule_step(event_loop& l) {
  queued_sequence_ = l.push_task_item(ready_item::step_of(this));
  intrusive_add_ref(this);  // the queue's, dropped once the step ran (event_loop::run_queued_step)
}

void task_base::run_step(event_loop& l) {
  // Task.__step_run_and_handle_result. The caller keeps the task alive even if
  // the coroutine drops its last handle: the queue's reference (a step),
  // the wakeup callback's capture, or create_task's handle (an eager step).
  yield_kind_ = yield_kind::none;
  yielded_ = nullptr;
  if (!started_ && (thrown_ || reused_)) {
    // coro.throw(exc) on a coroutine that never ran ends with exc at once; a
    // coroutine that already ran refuses to run again (coro.send raises).
    std::exception_ptr exc = std::exchange(thrown_, nullptr);
    if (!exc) exc = std::make_exception_ptr(std::runtime_error("cannot reuse already awaited coroutine"));
    started_ = true;
    destroy_frame();
    finish_with_exception(std::move(exc));
    return;
  }
  started_ = true;
  promise_->started_ = true;
  ++steps_;
  resumed_ = true;
  resume_.resume();
  resumed_ = false;
  if (top_.done())
    finish_coroutine();
  else if (yield_kind_ == yield_kind::bare)
    schedule_step(l);  // relinquishes control for one event loop iteration
  else
    handle_yield();
}

void task_base::start(bool eager) {
  event_loop& l = loop();
  l.register_task(this);
  if (eager && l.is_running()) {
    // Task.__eager_start: the first step runs now, as the current task.
    task_base* prev = l.swap_current_task(this);
    struct restore {
      event_loop& l;
      task_base* prev;
      ~restore() { l.swap_current_task(prev); }
    } r{l, prev};
    run_step(l);
    if (done()) completed_eagerly_ = true;
  } else {
    schedule_step(l);
  }
}

void task_base::schedule_step_with(std::exception_ptr exc) {
  thrown_ = std::move(exc);
  schedule_step(loop());
}

void task_base::step(event_loop& l) {
  // Task.__step, with thrown_ as its exc
  if (done()) throw invalid_state_error("_step(): already done: " + describe_state());
  if (must_cancel_) {
    if (!is_cancelled_error(thrown_)) thrown_ = make_cancelled_error();
    must_cancel_ = false;
  }
  if (fut_waiter_) fut_waiter_.reset();
  l.enter_task(this);
  struct leave {
    event_loop& l;
    task_base* t;
    ~leave() { l.leave_task(t); }
  } g{l, this};
  run_step(l);
}

}  // namespace detail

void event_loop::run_queued_step(detail::task_base* t) {
  const auto queued = detail::ref_ptr<detail::task_base>::adopt(t);  // the queue's reference
  // As run_node: the step is a callback like any other.
  try {
    t->step(*this);
  } catch (...) {
    call_exception_handler({"Exception in callback", std::current_exception(), {}});
  }
}

namespace detail {

void task_base::wakeup(future_base* f) {
  // Task.__wakeup: future.result() raising becomes the step's exception.
  thrown_ = result_exception(f);
  step(loop());
}

bool task_base::cancel(std::optional<std::string> msg) { return cancel_chain(this, msg); }

namespace {
// sys.getrecursionlimit()'s default. CPython's Task.cancel is C and its
// _GatheringFuture.cancel Python: a chain of gathers reaches the limit after
// about 1000 of them, a chain of tasks later (the C stack's limit), which weft
// approximates by the same 1000.
constexpr std::size_t max_cancel_depth = 1000;

[[noreturn]] void cancel_too_deep() {
  throw recursion_error("maximum recursion depth exceeded while cancelling a chain of tasks and gathers awaiting each other");
}

/// A _GatheringFuture.cancel in progress: the frame CPython would have on its stack.
struct gather_frame {
  gathering_base* g;
  task_base* owner;      // the task whose fut_waiter_ is g (a Task.cancel frame below this one), or null
  std::size_t next = 0;  // the child to cancel next
  std::size_t tasks = 0;  // tasks walked from the frame below to g
  bool ret = false;      // some child's cancel() returned true
};
}  // namespace

bool cancel_chain(future_base* f, const std::optional<std::string>& msg) {
  // Task.cancel(msg):
  //   log_traceback = False; if done: return False; count the request;
  //   if fut_waiter is not None and fut_waiter.cancel(msg): return True
  //   must_cancel = True; cancel_message = msg; return True
  // (leaving fut_waiter set: it may be a task that ignores the cancellation,
  // so that we may have to cancel it again later).
  // _GatheringFuture.cancel(msg):
  //   if done: return False; ret = any(child.cancel(msg) for each child,
  //   all of them called); if ret: cancel_requested = True; return ret
  // Each call's side effects happen in CPython's order. A run of tasks
  // awaiting tasks needs no stack: each returns True once the last one does.
  // Only gathers push a frame, so a chain of tasks allocates nothing.
  std::vector<gather_frame> frames;
  std::size_t task_depth = 0;  // tasks in the chain, but for the current run
  for (;;) {
    // Call f.cancel(msg): walk its run of tasks, then either learn what the
    // last call returned (r) or push the gather it reached.
    task_base* owner = nullptr;  // the last task of the run: its fut_waiter_ is f
    std::size_t tasks = 0;
    bool r = false;
    bool known = false;
    while (f->is_task()) {
      auto* t = static_cast<task_base*>(f);
      if (task_depth + tasks == max_cancel_depth) cancel_too_deep();
      t->log_traceback_ = false;
      if (t->done()) {  // returns False to its caller
        known = true;
        break;
      }
      ++t->num_cancels_requested_;
      ++tasks;
      owner = t;
      if (!t->fut_waiter_) {  // t itself sets must_cancel
        known = true;
        break;
      }
      f = t->fut_waiter_.get();
    }
    if (!known) {
      if (f->kind_ == future_base::kind::gathering && !f->done()) {
        if (frames.size() == max_cancel_depth) cancel_too_deep();
        frames.push_back({static_cast<gathering_base*>(f), owner, 0, tasks, false});
        task_depth += tasks;
      } else {
        // A plain future (Future.cancel, which calls nothing back), or a done gather.
        r = f->kind_ != future_base::kind::gathering && f->cancel(msg);
        known = true;
      }
    }
    // Return r down the stack until a gather has a child left to cancel.
    for (;;) {
      if (known) {
        if (owner) {
          if (!r) {
            owner->must_cancel_ = true;
            owner->set_cancel_message(msg);
          }
          r = true;
        }
        if (frames.empty()) return r;
        if (r) frames.back().ret = true;
      }
      gather_frame& top = frames.back();
      if (top.next < top.g->children_.size()) {
        f = top.g->children_[top.next++].get();
        break;
      }
      if (top.ret) top.g->cancel_requested_ = true;
      r = top.ret;
      owner = top.owner;
      task_depth -= top.tasks;
      known = true;
      frames.pop_back();
    }
  }
}

int task_base::uncancel() noexcept {
  if (num_cancels_requested_ > 0 && !WEFT_PLANTED(uncancel_no_decrement)) {
    --num_cancels_requested_;
    if (num_cancels_requested_ == 0) must_cancel_ = false;
  }
  return num_cancels_requested_;
}

void task_base::finish_coroutine() {
  std::exception_ptr e = promise_->exception();
  if (!e) {
    if (must_cancel_) {
      // Task is cancelled right before the coroutine stops.
      must_cancel_ = false;
      destroy_frame();
      loop().unregister_task(this);
      cancel_future(cancel_message());
    } else {
      store_result();
      destroy_frame();
      loop().unregister_task(this);
      finish_with_result();
    }
    return;
  }
  destroy_frame();
  finish_with_exception(std::move(e));
}

void task_base::finish_with_exception(std::exception_ptr e) {
  loop().unregister_task(this);
  if (is_cancelled_error(e)) {
    cancelled_exc_ = std::move(e);  // raised again, as is, to the first awaiter
    cancel_future(std::nullopt);
  } else {
    set_exception(std::move(e));
  }
}

void task_base::handle_yield() {
  if (yield_kind_ != yield_kind::future) {
    // await_transform only lets weft awaitables in, and each of them reports its yield.
    std::fputs("weft: fatal: a task's coroutine suspended without a weft awaitable\n", stderr);
    std::terminate();
  }
  future_base* f = yielded_;
  if (f->loop_or_null() != anchor_->loop) {
    schedule_step_with(std::make_exception_ptr(
        std::runtime_error("Task " + get_name() + " got Future attached to a different loop")));
  } else if (f == this) {
    schedule_step_with(std::make_exception_ptr(std::runtime_error("Task cannot await on itself: <Task " + get_name() + ">")));
  } else {
    waiter_callback_ =
        f->add_done_callback([t = ref_ptr<task_base>(this)](future_base* done) { t->wakeup(done); }, this);
    fut_waiter_ = ref_ptr<future_base>(f);
    if (must_cancel_ && f->cancel(cancel_message())) must_cancel_ = false;
    if (weft::scheduler* s = anchor_->loop->scheduler()) {
      any_task self(ref_ptr<task_base>(this));
      s->on_suspend(self);  // a simulator's fault site
    }
  }
}

void task_base::abandon() noexcept {
  if (event_loop* l = anchor_->loop) {
    try {
      l->call_exception_handler({"Task was destroyed but it is pending!", nullptr, get_name()});
    } catch (...) {  // called from destructors: must not throw
    }
  }
  // A coroutine that never ran is "never awaited" when its abandoned task drops it.
  if (!started_ && top_) warn_never_awaited(info_);
  if (fut_waiter_) {
    fut_waiter_->remove_done_callback(waiter_callback_);
    fut_waiter_.reset();
  }
  // A gather of this task can no longer finish: let it go (it holds this
  // task, and its callback held here holds it).
  (void)take_gatherer();
  if (event_loop* l = anchor_->loop) l->unregister_task(this);
  destroy_frame();
}

void run_until_done(event_loop& loop, future_base* f) {
  // BaseEventLoop.run_until_complete: _check_closed and _check_running come
  // before ensure_future's loop check.
  loop_access::check_closed(loop);
  if (loop.is_running()) throw std::runtime_error("This event loop is already running");
  if (running_loop_or_null()) throw std::runtime_error("Cannot run the event loop while another loop is running");
  if (f->loop_or_null() != &loop)
    throw std::invalid_argument("The future belongs to a different loop than the one specified as the loop argument");
  std::uint64_t id = f->add_done_callback([](future_base* done) {
    // _run_until_complete_cb
    if (!done->cancelled()) (void)done->exception();
    done->loop().stop();
  });
  try {
    loop.run_forever();
  } catch (...) {
    f->remove_done_callback(id);
    throw;
  }
  f->remove_done_callback(id);
  if (!f->done()) throw std::runtime_error("Event loop stopped before Future completed.");
}


// ---- asyncio.run ----

void check_no_running_loop() {
  if (running_loop_slot()) throw std::runtime_error("weft::run() cannot be called from a running event loop");
}

namespace {
coro<void> shutdown_step() { co_return; }

/// asyncio.runners._cancel_all_tasks: cancel what is left and wait for all of
/// it as gather(*tasks, return_exceptions=True) would (same hops: the last
/// child's done callback completes the outer future).
void cancel_all_tasks(event_loop& loop) {
  std::vector<any_task> left = all_tasks(loop);
  if (left.empty()) return;
  for (any_task& t : left) t.cancel();
  future<void> all(loop);
  auto remaining = std::make_shared<std::size_t>(left.size());
  for (any_task& t : left)
    t.add_done_callback([all, remaining](const any_future& f) {
      if (!f.cancelled()) (void)f.exception();  // gather retrieves each exception
      if (--*remaining == 0) all.set_result();
    });
  loop.run_until_complete(all);
  for (any_task& t : left) {
    if (t.cancelled()) continue;
    if (std::exception_ptr e = t.exception())
      loop.call_exception_handler({"unhandled exception during asyncio.run() shutdown", e, t.get_name()});
  }
}
}  // namespace

void shutdown_run_loop(event_loop& loop) {
  // Runner.close: every step runs even if one fails.
  try {
    cancel_all_tasks(loop);
    loop.run_until_complete(shutdown_step());  // loop.shutdown_asyncgens()
    loop.run_until_complete(loop.shutdown_default_executor(std::chrono::seconds(300)));  // THREAD_JOIN_TIMEOUT
  } catch (...) {
    loop.call_exception_handler({"error while shutting down the loop of weft::run", std::current_exception(), {}});
  }
  loop.close();
}

}  // namespace detail

// ---- introspection and factories ----

any_task current_task(event_loop& loop) {
  detail::task_base* t = detail::loop_access::current_task(loop);
  return t ? any_task(detail::ref_ptr<detail::task_base>(t)) : any_task();
}

any_task current_task() { return current_task(get_running_loop()); }

std::vector<any_task> all_tasks(event_loop& loop) {
  std::vector<any_task> out;
  for (detail::task_base* t = detail::loop_access::first_task(loop); t; t = t->reg_next_)
    if (!t->done()) out.emplace_back(detail::ref_ptr<detail::task_base>(t));
  return out;
}

std::vector<any_task> all_tasks() { return all_tasks(get_running_loop()); }

void eager_task_factory(event_loop&, task_options& opts) { opts.eager_start = true; }

task_factory create_eager_task_factory(task_factory inner) {
  return [inner = std::move(inner)](event_loop& loop, task_options& opts) {
    if (inner) inner(loop, opts);
    opts.eager_start = true;
  };
}

}  // namespace weft
