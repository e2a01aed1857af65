// asyncio/locks.py: Event, Lock, Semaphore, BoundedSemaphore, Condition, Barrier.

#include <algorithm>

#include "weft/condition.hpp"
#include "weft/detail/planted.hpp"
#include "weft/event.hpp"
#include "weft/lock.hpp"
#include "weft/semaphore.hpp"

namespace weft {

// ---- Event ----

void event::set() {
  if (value_) return;
  value_ = true;
  for (auto& fut : waiters_)
    if (!fut.done()) fut.set_result();
}

// A cancelled wait reaches the awaiting coroutine through raise_up: one C++
// throw there, instead of a throw and a rethrow in each frame on the way.

coro<void> event::wait() {
  if (value_) co_return;
  auto waiter = wait_in_line("Event");
  if (std::exception_ptr e = co_await waiter.caught()) co_await detail::raise_up{e};
}

// ---- Lock ----

bool lock::try_acquire() noexcept {
  if (locked_ || !std::all_of(waiters_.begin(), waiters_.end(), [](const future<void>& w) { return w.cancelled(); }))
    return false;
  locked_ = true;
  return true;
}

coro<void> lock::acquire() {
  if (try_acquire()) co_return;
  auto waiter = wait_in_line("Lock", [this](const future<void>&) {
    // Keep the lock's invariant: if it is not claimed (nor about to be, by
    // us), the task at the head of the waiters runs.
    if (!locked_) wake_up_first();
  });
  if (std::exception_ptr e = co_await waiter.caught()) co_await detail::raise_up{e};
  locked_ = true;
}

void lock::release() {
  if (!locked_) throw std::runtime_error("Lock is not acquired.");
  locked_ = false;
  wake_up_first();
}

void lock::wake_up_first() {
  if (waiters_.empty()) return;
  future<void>& fut = WEFT_PLANTED(lock_wakes_newest) ? waiters_.back() : waiters_.front();
  if (!fut.done()) fut.set_result();
}

// ---- Semaphore ----

semaphore::semaphore(std::int64_t value) : value_(value) {
  if (value < 0) throw std::invalid_argument("Semaphore initial value must be >= 0");
}

bool semaphore::locked() const noexcept {
  return value_ == 0 || std::any_of(waiters_.begin(), waiters_.end(), [](const future<void>& w) { return !w.cancelled(); });
}

bool semaphore::try_acquire() noexcept {
  if (locked()) return false;
  --value_;
  return true;
}

coro<void> semaphore::acquire() {
  if (try_acquire()) co_return;
  std::exception_ptr failure;
  try {
    auto waiter = wait_in_line("Semaphore", [this](const future<void>& fut) {
      // wake_up_next() set our future, but we are not about to acquire: undo
      // its bookkeeping (the finally below wakes someone else).
      if (fut.done() && !fut.cancelled()) ++value_;
    });
    failure = co_await waiter.caught();
  } catch (...) {
    failure = std::current_exception();
  }
  // finally: wake up as many waiters as the counter allows
  while (value_ > 0)
    if (!wake_up_next()) break;
  if (failure) co_await detail::raise_up{failure};
}

void semaphore::release() {
  ++value_;
  wake_up_next();
}

bool semaphore::wake_up_next() {
  for (auto& fut : waiters_) {
    if (!fut.done()) {
      --value_;
      fut.set_result();
      return true;
    }
  }
  return false;
}

void bounded_semaphore::release() {
  if (value_ >= bound_) throw std::invalid_argument("BoundedSemaphore released too many times");
  semaphore::release();
}

// ---- Condition ----

condition::condition() : own_lock_(std::make_unique<weft::lock>()), lock_(own_lock_.get()) {}
condition::condition(weft::lock& l) : lock_(&l) {}

coro<void> condition::wait() {
  if (!locked()) throw std::runtime_error("cannot wait on un-acquired lock");
  future<void> fut(get_loop("Condition"));
  release();
  std::exception_ptr failure;
  try {
    detail::await_waiter<> waiter(waiters_, std::move(fut));
    failure = co_await waiter.caught();
  } catch (...) {
    failure = std::current_exception();
  }
  // finally: reacquire the lock, however often we are cancelled meanwhile
  std::exception_ptr err;
  while (true) {
    auto acquiring = acquire();
    std::exception_ptr e = (co_await acquiring.caught()).exception();
    if (!e) break;
    if (!is_cancelled_error(e)) co_await detail::raise_up{e};
    err = std::move(e);
  }
  if (err) failure = err;  // the most recent cancellation wins, as in asyncio
  if (failure) {
    notify_waiters(1);  // `except BaseException: self._notify(1); raise`
    co_await detail::raise_up{failure};
  }
}

void condition::notify(std::size_t n) {
  if (!locked()) throw std::runtime_error("cannot notify on un-acquired lock");
  notify_waiters(n);
}

void condition::notify_all() { notify(waiters_.size()); }

void condition::notify_waiters(std::size_t n) {
  std::size_t idx = 0;
  for (auto& fut : waiters_) {
    if (idx >= n) break;
    if (!fut.done()) {
      ++idx;
      fut.set_result();
    }
  }
}

// ---- Barrier ----

barrier::barrier(std::size_t parties) : parties_(parties) {
  if (parties < 1) throw std::invalid_argument("parties must be > 0");
}

coro<std::size_t> barrier::wait() {
  auto held = co_await scoped(cond_);
  co_await block();
  std::size_t index = count_++;
  std::exception_ptr failure;
  try {
    if (index + 1 == parties_)
      release_all();
    else
      co_await wait_filled();
  } catch (...) {
    failure = std::current_exception();
  }
  --count_;
  exit();
  if (failure) std::rethrow_exception(failure);
  co_return index;
}

coro<void> barrier::block() {
  co_await cond_.wait_for([this] { return state_ != state::draining && state_ != state::resetting; });
  if (state_ == state::broken) throw broken_barrier_error("Barrier aborted");
}

void barrier::release_all() {
  state_ = state::draining;
  cond_.notify_all();
}

coro<void> barrier::wait_filled() {
  co_await cond_.wait_for([this] { return state_ != state::filling; });
  if (state_ == state::broken || state_ == state::resetting) throw broken_barrier_error("Abort or reset of barrier");
}

void barrier::exit() {
  if (count_ == 0) {
    if (state_ == state::resetting || state_ == state::draining) state_ = state::filling;
    cond_.notify_all();
  }
}

coro<void> barrier::reset() {
  auto held = co_await scoped(cond_);
  if (count_ > 0) {
    if (state_ != state::resetting) state_ = state::resetting;
  } else {
    state_ = state::filling;
  }
  cond_.notify_all();
}

coro<void> barrier::abort() {
  auto held = co_await scoped(cond_);
  state_ = state::broken;
  cond_.notify_all();
}

std::size_t barrier::n_waiting() const noexcept { return state_ == state::filling ? count_ : 0; }

}  // namespace weft
