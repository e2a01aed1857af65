#include "weft/future.hpp"

#include <algorithm>

#include "weft/task.hpp"

namespace weft::detail {

future_base::future_base(event_loop& loop) noexcept : anchor_(loop.anchor()) {}

future_base::~future_base() {
  if (log_traceback_) [[unlikely]]
    report_unretrieved("Future exception was never retrieved", {});
  if (callback_node* n = first_node())
    event_loop::drop_held(n);
  else
    (void)take_gatherer();
  if (more_callbacks_)
    for (callback_node* n : *more_callbacks_) event_loop::drop_held(n);
}

void future_base::report_unretrieved(const char* message, const std::string& task_name) noexcept {
  // Future.__del__: an exception nobody looked at is reported.
  if (!log_traceback_) return;
  log_traceback_ = false;
  if (event_loop* l = anchor_->loop) {
    try {
      l->call_exception_handler({message, exc_, task_name});
    } catch (...) {  // a destructor must not throw
    }
  }
}

void future_base::throw_loop_closed() { throw std::runtime_error("Event loop is closed"); }

std::string future_base::describe_state() const {
  switch (state_) {
    case state::pending: return "PENDING: <Future pending>";
    case state::cancelled: return "CANCELLED: <Future cancelled>";
    case state::finished: break;
  }
  return exc_ ? "FINISHED: <Future finished exception=" + describe(exc_) + ">" : "FINISHED: <Future finished>";
}

bool future_base::cancel(std::optional<std::string> msg) { return cancel_future(std::move(msg)); }

bool future_base::cancel_future(std::optional<std::string> msg) {
  log_traceback_ = false;
  if (state_ != state::pending) return false;
  state_ = state::cancelled;
  set_cancel_message(std::move(msg));
  schedule_callbacks();
  return true;
}

void future_base::check_can_set() const {
  if (state_ != state::pending) throw invalid_state_error(describe_state());
}

void future_base::set_exception(std::exception_ptr e) {
  check_can_set();
  if (!e) throw std::invalid_argument("set_exception: null exception_ptr");
  exc_ = std::move(e);
  state_ = state::finished;
  log_traceback_ = true;
  schedule_callbacks();
}

void future_base::finish_with_result() {
  state_ = state::finished;
  schedule_callbacks();
}

std::exception_ptr future_base::make_cancelled_error() {
  if (cancelled_exc_) return std::exchange(cancelled_exc_, nullptr);
  return std::make_exception_ptr(cancelled_error(cancel_message()));
}

void future_base::throw_no_exception() {
  if (state_ == state::cancelled) std::rethrow_exception(make_cancelled_error());
  throw invalid_state_error("Exception is not set.");
}

std::exception_ptr result_exception(future_base* f) {
  switch (f->get_state()) {
    case future_base::state::cancelled: return f->make_cancelled_error();
    case future_base::state::pending: return std::make_exception_ptr(invalid_state_error("Result is not ready."));
    case future_base::state::finished: break;
  }
  return f->exception();
}

void future_base::raise_unless_result() {
  if (state_ == state::finished && !exc_) return;
  std::rethrow_exception(result_exception(this));
}

std::uint64_t future_base::add_done_callback(callback_fn&& fn, task_base* owner) {
  std::uint64_t id = ++next_callback_id_;
  if (state_ != state::pending) {
    loop().push_ready(std::move(fn), this, owner);
  } else if (no_callbacks_held()) {
    set_first_node(hold(std::move(fn), owner, id));
  } else {
    if (!more_callbacks_) more_callbacks_ = std::make_unique<std::vector<callback_node*>>();
    more_callbacks_->reserve(more_callbacks_->size() + 1);  // so that the node cannot leak
    more_callbacks_->push_back(hold(std::move(fn), owner, id));
  }
  return id;
}

callback_node* future_base::hold(callback_fn&& fn, task_base* owner, std::uint64_t id) {
  if (event_loop* l = anchor_->loop) return l->hold(std::move(fn), owner, id);
  // The loop is gone: the node is this future's alone (drop_held deletes it).
  auto* n = new callback_node;
  n->anchor = anchor_;
  n->fn = std::move(fn);
  n->task = owner;
  n->callback_id = id;
  return n;
}

void future_base::add_gatherer_callback(const ref_ptr<future_base>& g) {
  add_done_callback([g](future_base* child) { g->child_done(child); });
}

std::size_t future_base::remove_done_callback(std::uint64_t id) noexcept {
  if (first_is_gatherer()) {
    // Its id is 1; once this future is done its callback is queued, no longer held.
    if (id == 1 && state_ == state::pending) {
      (void)take_gatherer();
      return 1;
    }
  } else if (callback_node* n = first_node(); n && n->callback_id == id) {
    first_callback_ = 0;
    event_loop::drop_held(n);
    return 1;
  }
  if (!more_callbacks_) return 0;
  auto it = std::find_if(more_callbacks_->begin(), more_callbacks_->end(), [id](const callback_node* n) { return n->callback_id == id; });
  if (it == more_callbacks_->end()) return 0;
  event_loop::drop_held(*it);
  more_callbacks_->erase(it);
  return 1;
}

void future_base::schedule_callbacks() {
  // Future.__schedule_callbacks: each callback gets its own call_soon, in
  // registration order.
  event_loop* l = anchor_->loop;
  if (!l) return;
  if (first_is_gatherer())
    static_cast<task_base*>(this)->queue_gatherer_callback(*l);
  else if (callback_node* n = first_node()) {
    first_callback_ = 0;
    l->schedule_held(n, this);
  }
  if (more_callbacks_ && !more_callbacks_->empty()) schedule_more_callbacks(*l);
}

// Out of line: most futures have one callback, and this loop's registers
// would be saved for it.
[[gnu::noinline]] void future_base::schedule_more_callbacks(event_loop& l) {
  std::vector<callback_node*> cbs = std::move(*more_callbacks_);
  more_callbacks_->clear();
  for (std::size_t i = 0; i < cbs.size(); ++i) {
    try {
      l.schedule_held(cbs[i], this);
    } catch (...) {  // the rest are not scheduled: free them
      for (std::size_t j = i + 1; j < cbs.size(); ++j) event_loop::drop_held(cbs[j]);
      throw;
    }
  }
}

// ---- awaiting ----

void throw_no_current_task() { throw std::runtime_error("weft: co_await on a future outside of a running task"); }

task_base* require_current_task() { return current_task_or_throw(); }

void suspend_on(future_base* f, std::coroutine_handle<> h) { require_current_task()->suspended_on(f, h); }

void raise_thrown(task_base* t) {
  if (std::exception_ptr e = t->take_thrown()) std::rethrow_exception(e);
}

std::exception_ptr resume_error(future_base* f, task_base* t) {
  if (t)
    if (std::exception_ptr e = t->take_thrown()) return e;
  return result_exception(f);  // null for a result
}

}  // namespace weft::detail
