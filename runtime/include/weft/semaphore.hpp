#pragma once
/// weft::semaphore and weft::bounded_semaphore: asyncio.Semaphore and
/// asyncio.BoundedSemaphore.

#include <cstdint>

#include "weft/coro.hpp"
#include "weft/detail/waiters.hpp"

namespace weft {

/// asyncio.Semaphore: a counter tasks acquire and release; acquire() waits
/// while it is zero. Fair, as asyncio's: waiters are woken in order.
class semaphore : detail::waitable {
 public:
  /// Semaphore(value): throws std::invalid_argument if value < 0.
  explicit semaphore(std::int64_t value = 1);
  virtual ~semaphore() = default;

  /// Semaphore.locked(): true if acquire() would wait.
  bool locked() const noexcept;
  /// Semaphore.acquire().
  coro<void> acquire();
  /// Decrements the counter if acquire() would without waiting (not
  /// locked()): acquire()'s first step, for code that must not suspend.
  /// False, changing nothing, if not.
  bool try_acquire() noexcept;
  /// Semaphore.release().
  virtual void release();
  /// The current counter (Semaphore._value).
  std::int64_t value() const noexcept { return value_; }

 protected:
  std::int64_t value_;

 private:
  bool wake_up_next();
};

/// asyncio.BoundedSemaphore: release() beyond the initial value throws
/// std::invalid_argument("BoundedSemaphore released too many times").
class bounded_semaphore final : public semaphore {
 public:
  explicit bounded_semaphore(std::int64_t value = 1) : semaphore(value), bound_(value) {}
  void release() override;

 private:
  std::int64_t bound_;
};

}  // namespace weft
