#include "weft/task_group.hpp"
#include "weft/detail/planted.hpp"

namespace weft {

/// TaskGroup's fields. Shared with the done callbacks of its tasks.
struct task_group::state {
  event_loop* loop = nullptr;
  any_task parent;
  bool entered = false;
  bool exiting = false;
  bool aborting = false;
  bool parent_cancel_requested = false;
  std::vector<any_task> tasks;  // insertion-ordered (asyncio: a set)
  std::vector<std::exception_ptr> errors;
  std::optional<future<void>> on_completed;

  void abort() {
    aborting = true;
    if (WEFT_PLANTED(task_group_no_sibling_cancel)) return;
    for (auto& t : tasks)
      if (!t.done()) t.cancel();
  }

  void on_task_done(const any_task& task) {
    std::erase(tasks, task);
    if (on_completed && tasks.empty() && !on_completed->done()) on_completed->set_result();
    if (task.cancelled()) return;
    std::exception_ptr exc = task.exception();
    if (!exc) return;
    errors.push_back(exc);
    if (parent.done()) {
      loop->call_exception_handler({"Task " + task.get_name() + " has errored out but its parent task " +
                                        parent.get_name() + " is already completed",
                                    exc, task.get_name()});
      return;
    }
    if (!aborting && !parent_cancel_requested) {
      abort();
      parent_cancel_requested = true;
      parent.cancel();
    }
  }
};

task_group::task_group() : state_(std::make_shared<state>()) {}

const char* task_group::refuse() const noexcept {
  if (!state_->entered) return "has not been entered";
  if (state_->exiting && state_->tasks.empty()) return "is finished";
  if (state_->aborting) return "is shutting down";
  return nullptr;
}

event_loop& task_group::loop() const noexcept { return *state_->loop; }

void task_group::adopt(const any_task& t) {
  if (t.done()) {
    state_->on_task_done(t);
  } else {
    state_->tasks.push_back(t);
    t.add_done_callback([s = state_](const any_future& f) {
      s->on_task_done(any_task(detail::ref_ptr<detail::task_base>(static_cast<detail::task_base*>(f.state()))));
    });
  }
}

void task_group::enter() {
  if (state_->entered) throw std::runtime_error("TaskGroup has already been entered");
  if (!state_->loop) state_->loop = &get_running_loop();
  state_->parent = current_task(*state_->loop);
  if (!state_->parent) throw std::runtime_error("TaskGroup cannot determine the parent task");
  state_->entered = true;
}

coro<void> task_group::exit(std::exception_ptr exc) {
  // TaskGroup.__aexit__. What it raises goes up as a value (raise_up), and a
  // cancellation reaches it as one: no C++ throw and catch in its frame.
  std::shared_ptr<state> s = state_;
  s->exiting = true;
  const bool body_cancelled = exc && is_cancelled_error(exc);
  std::exception_ptr propagate_cancellation_error = body_cancelled ? exc : nullptr;
  if (exc && !s->aborting) s->abort();
  while (!s->tasks.empty()) {
    if (!s->on_completed) s->on_completed.emplace(*s->loop);
    detail::future_awaiter<void, void> completed{s->on_completed->state()};
    detail::caught_resume<detail::future_awaiter<void, void>> waiting{completed};
    std::exception_ptr cancelled = co_await waiting;
    if (cancelled && !is_cancelled_error(cancelled)) co_await detail::raise_up{cancelled};
    if (cancelled && !s->aborting) {
      propagate_cancellation_error = cancelled;
      s->abort();
    }
    s->on_completed.reset();
  }
  if (s->parent_cancel_requested && s->parent.uncancel() == 0) propagate_cancellation_error = nullptr;
  if (propagate_cancellation_error && s->errors.empty()) co_await detail::raise_up{propagate_cancellation_error};
  if (exc && !body_cancelled) s->errors.push_back(exc);
  if (!s->errors.empty()) {
    if (s->parent.cancelling()) {
      s->parent.uncancel();
      s->parent.cancel();
    }
    std::vector<std::exception_ptr> errors = std::move(s->errors);
    s->errors.clear();
    std::exception_ptr group = std::make_exception_ptr(exception_group("unhandled errors in a TaskGroup", std::move(errors)));
    co_await detail::raise_up{group};
  }
}

}  // namespace weft
