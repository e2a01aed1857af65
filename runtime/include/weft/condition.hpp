#pragma once
/// weft::condition and weft::barrier: asyncio.Condition and asyncio.Barrier.

#include <cstddef>
#include <memory>

#include "weft/coro.hpp"
#include "weft/detail/waiters.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"
#include "weft/lock.hpp"

namespace weft {

/// asyncio.Condition: a lock plus a wait/notify queue.
class condition : detail::waitable {
 public:
  /// Condition(): with a lock of its own.
  condition();
  /// Condition(lock): sharing `l`, which must outlive the condition.
  explicit condition(weft::lock& l);

  /// The lock's locked() / acquire() / release().
  bool locked() const noexcept { return lock_->locked(); }
  coro<void> acquire() { return lock_->acquire(); }
  void release() { lock_->release(); }

  /// Condition.wait(): releases the lock, waits for a notify, reacquires the
  /// lock. Throws std::runtime_error if the lock is not held.
  coro<void> wait();
  /// Condition.wait_for(predicate): waits until predicate() is true; returns its value.
  template <class P>
  coro<std::invoke_result_t<P&>> wait_for(P predicate) {
    auto result = predicate();
    while (!result) {
      auto waiting = wait();
      auto waited = co_await waiting.caught();
      if (std::exception_ptr e = waited.exception()) co_return raising{std::move(e)};
      result = predicate();
    }
    co_return result;
  }
  /// Condition.notify(n): wakes up to n waiters. Throws std::runtime_error if
  /// the lock is not held.
  void notify(std::size_t n = 1);
  /// Condition.notify_all().
  void notify_all();

 private:
  void notify_waiters(std::size_t n);
  std::unique_ptr<weft::lock> own_lock_;
  weft::lock* lock_;
};

/// asyncio.Barrier: `parties` tasks wait until all of them arrived.
class barrier {
 public:
  /// Barrier(parties): throws std::invalid_argument if parties < 1.
  explicit barrier(std::size_t parties);
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;

  /// Barrier.wait(): returns this task's arrival index (0 .. parties-1).
  /// Throws broken_barrier_error if the barrier is aborted or reset meanwhile.
  coro<std::size_t> wait();
  /// Barrier.reset(): back to empty; tasks waiting get broken_barrier_error.
  coro<void> reset();
  /// Barrier.abort(): breaks the barrier; waiters get broken_barrier_error.
  coro<void> abort();
  /// Barrier.parties.
  std::size_t parties() const noexcept { return parties_; }
  /// Barrier.n_waiting.
  std::size_t n_waiting() const noexcept;
  /// Barrier.broken.
  bool broken() const noexcept { return state_ == state::broken; }

 private:
  enum class state { filling, draining, resetting, broken };
  coro<void> block();
  void release_all();
  coro<void> wait_filled();
  void exit();

  condition cond_;
  std::size_t parties_;
  state state_ = state::filling;
  std::size_t count_ = 0;
};

}  // namespace weft
