// The event loop's side of threads: what other threads post, the executor
// jobs it waits for, and the order in which their events reach it.

#include <algorithm>
#include <chrono>

#include "weft/concurrent_future.hpp"
#include "weft/diagnostics.hpp"
#include "weft/event_loop.hpp"
#include "weft/executor.hpp"
#include "weft/future.hpp"
#include "weft/task.hpp"
#include "weft/wait_for.hpp"

namespace weft {

work_guard::work_guard(std::shared_ptr<detail::thread_inbox> inbox) noexcept : inbox_(std::move(inbox)) {
  inbox_->guards.fetch_add(1, std::memory_order_relaxed);
}

void work_guard::reset() noexcept {
  if (!inbox_) return;
  // The last guard gone, a loop waiting only for it must look again.
  if (inbox_->guards.fetch_sub(1, std::memory_order_acq_rel) == 1) inbox_->wake();
  inbox_.reset();
}

namespace detail {
void note_job_waits(std::shared_ptr<concurrent_state_base> s) {
  const thread_inbox::job_tag& tag = thread_inbox::current_job();
  if (!tag.inbox) return;
  thread_item item;
  item.what = thread_item::kind::wait;
  item.job = tag.job;
  item.waits_on = std::move(s);
  const_cast<thread_inbox*>(tag.inbox)->post(std::move(item));
}
}  // namespace detail

void event_loop::foreign_thread(const char* method) const {
  throw std::runtime_error(std::string("Non-thread-safe operation invoked on an event loop other than the current one: "
                                       "event_loop::") +
                           method + " was called from a thread other than the one running the loop " +
                           "(other threads must use call_soon_threadsafe or run_coroutine_threadsafe)");
}

void event_loop::set_default_executor(std::shared_ptr<executor> ex) { default_executor_ = std::move(ex); }

executor& event_loop::default_executor() {
  if (executor_shutdown_called_) throw std::runtime_error("Executor shutdown has been called");
  if (!default_executor_) default_executor_ = std::make_shared<thread_pool_executor>();
  return *default_executor_;
}

coro<void> event_loop::shutdown_default_executor(std::optional<duration> timeout) {
  executor_shutdown_called_ = true;
  if (!default_executor_) co_return;
  future<void> done = create_future<void>();
  const std::uint64_t id = begin_job(wrap([done] {
                                       if (!done.done()) done.set_result();
                                     }),
                                     true);
  if (executor_shutdown_thread_.joinable()) executor_shutdown_thread_.join();
  executor_shutdown_thread_ = std::thread([ex = default_executor_, inbox = inbox_, id] {
    ex->shutdown(true);
    detail::thread_item item;
    item.what = detail::thread_item::kind::done;
    item.job = id;
    inbox->post(std::move(item));
  });
  bool in_time = true;
  try {
    // Built in its own statement: g++ 12 destroys temporaries made inside a
    // co_await operand twice (README, "Known compiler issue").
    if (timeout) {
      coro<void> bounded = wait_for(done, *timeout);
      co_await std::move(bounded);
    } else {
      co_await done;
    }
  } catch (const timeout_error&) {
    in_time = false;
  }
  if (in_time) {
    executor_shutdown_thread_.join();
  } else {
    warn("RuntimeWarning: The executor did not finishing joining its threads within " +
         std::to_string(std::chrono::duration<double>(*timeout).count()) + " seconds.");
    default_executor_->shutdown(false);
    executor_shutdown_thread_.detach();  // it holds what it uses
  }
}

std::uint64_t event_loop::begin_job(detail::callback_fn finish, bool controlled) {
  jobs_.push_back({++job_counter_, std::move(finish), {}, nullptr, controlled});
  return job_counter_;
}

bool event_loop::controls_threads() const noexcept { return scheduler_ && scheduler_->controls_threads(); }

namespace {
bool blocked(std::shared_ptr<detail::concurrent_state_base>& on) {
  if (on && on->done()) on.reset();
  return on != nullptr;
}
}  // namespace

bool event_loop::runnable_job() noexcept {
  for (thread_job& j : jobs_)
    if (j.controlled && !blocked(j.blocked_on)) return true;
  return false;
}

bool event_loop::waits_for_threads() noexcept {
  if (inbox_->guards.load(std::memory_order_acquire) > 0) return true;
  for (thread_job& j : jobs_)
    if (!controls_threads() || !j.controlled || !blocked(j.blocked_on)) return true;
  return false;
}

void event_loop::accept(detail::thread_item& item) {
  auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const thread_job& j) { return j.id == item.job; });
  if (it == jobs_.end()) {  // posted by a thread that runs no job of this loop
    push_ready(std::move(item.fn), nullptr, nullptr);
    return;
  }
  // Under a simulator a job's events wait for it to pick the job; else they go on at once.
  it->events.push_back(std::move(item));
  if (!(it->controlled && controls_threads())) deliver_job_event(static_cast<std::size_t>(it - jobs_.begin()));
}

void event_loop::deliver_job_event(std::size_t index) {
  thread_job& j = jobs_[index];
  detail::thread_item item = std::move(j.events.front());
  j.events.pop_front();
  switch (item.what) {
    case detail::thread_item::kind::post: push_ready(std::move(item.fn), nullptr, nullptr); break;
    case detail::thread_item::kind::wait: j.blocked_on = std::move(item.waits_on); break;
    case detail::thread_item::kind::done: {
      detail::callback_fn finish = std::move(j.finish);
      jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(index));
      push_ready(std::move(finish), nullptr, nullptr);
      break;
    }
  }
}

void event_loop::take_thread_work() {
  auto drain = [this] {
    inbound_.clear();
    inbox_->drain(inbound_);
    for (detail::thread_item& i : inbound_) accept(i);
    inbound_.clear();
  };
  if (inbox_->pending()) drain();
  if (!controls_threads()) return;
  std::vector<std::uint64_t> candidates;
  for (thread_job& j : jobs_)
    if (j.controlled && !blocked(j.blocked_on)) candidates.push_back(j.id);
  if (candidates.empty()) return;
  const bool may_defer = !ready_.empty() || !timers_.empty() || stopping_;
  const std::size_t c = scheduler_->pick_thread(candidates, may_defer);
  if (c >= candidates.size()) {
    if (!may_defer) throw std::logic_error("scheduler::pick_thread deferred when the loop had nothing else to do");
    return;
  }
  auto find = [&] {
    return static_cast<std::size_t>(
        std::find_if(jobs_.begin(), jobs_.end(), [&](const thread_job& j) { return j.id == candidates[c]; }) -
        jobs_.begin());
  };
  // The job's next event, whenever its thread sends it: the order of events
  // is the simulator's, not the threads' timing.
  const auto give_up = std::chrono::steady_clock::now() + thread_wait_limit_;
  while (jobs_[find()].events.empty()) {
    const auto left = give_up - std::chrono::steady_clock::now();
    if (left <= left.zero() || !inbox_->wait(std::chrono::duration_cast<duration>(left)))
      throw std::runtime_error("thread job " + std::to_string(candidates[c]) + " neither posted, waited nor ended within " +
                               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(thread_wait_limit_).count()) +
                               " s (loop_options::thread_wait_limit): under the simulator a thread may wait for the loop "
                               "only through weft's threadsafe API (concurrent_future)");
    drain();
  }
  deliver_job_event(find());
}

}  // namespace weft
