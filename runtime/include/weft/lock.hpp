#pragma once
/// weft::lock and weft::scoped: asyncio.Lock and `async with`.

#include <exception>
#include <utility>

#include "weft/coro.hpp"
#include "weft/detail/waiters.hpp"

namespace weft {

/// asyncio.Lock: a mutex for tasks. Fair: release() hands the lock to the
/// first waiter still waiting (it runs on a later iteration).
class lock : detail::waitable {
 public:
  /// Lock.locked().
  bool locked() const noexcept { return locked_; }
  /// Lock.acquire(): takes the lock, waiting for it if needed.
  coro<void> acquire();
  /// Takes the lock if acquire() would take it without waiting (it is free
  /// and no task waits for it, cancelled waiters aside): acquire()'s first
  /// step, for code that must not suspend. False, changing nothing, if not.
  bool try_acquire() noexcept;
  /// Lock.release(): throws std::runtime_error("Lock is not acquired.") if unlocked.
  void release();

 private:
  void wake_up_first();
  bool locked_ = false;
};

/// Releases a held lock or semaphore when it goes out of scope (the
/// __aexit__ of `async with`). As in asyncio, a release that fails (the lock
/// was already released inside the block) throws std::runtime_error from the
/// end of the scope; while an exception unwinds the scope it cannot, and the
/// failed release is dropped.
template <class Lockable>
class [[nodiscard]] scoped_release {
 public:
  explicit scoped_release(Lockable& l) noexcept : l_(&l), unwinding_(std::uncaught_exceptions()) {}
  scoped_release(scoped_release&& o) noexcept : l_(std::exchange(o.l_, nullptr)), unwinding_(o.unwinding_) {}
  scoped_release(const scoped_release&) = delete;
  scoped_release& operator=(const scoped_release&) = delete;
  ~scoped_release() noexcept(false) {
    if (!l_) return;
    if (std::uncaught_exceptions() > unwinding_) {
      try {
        l_->release();
      } catch (...) {
      }
    } else {
      l_->release();
    }
  }

 private:
  Lockable* l_;
  int unwinding_;
};

/// `async with l:`: acquires `l` (a lock, semaphore or condition) and returns
/// a guard that releases it at the end of the scope.
template <class Lockable>
coro<scoped_release<Lockable>> scoped(Lockable& l) {
  co_await l.acquire();
  co_return scoped_release<Lockable>(l);
}

}  // namespace weft
