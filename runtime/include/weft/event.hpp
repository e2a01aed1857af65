#pragma once
/// weft::event: asyncio.Event.

#include "weft/coro.hpp"
#include "weft/detail/waiters.hpp"

namespace weft {

/// asyncio.Event: a flag tasks can wait for. set() wakes every waiter (each
/// resumes on a later iteration, in the order they started waiting).
class event : detail::waitable {
 public:
  /// Event.is_set().
  bool is_set() const noexcept { return value_; }
  /// Event.set(): sets the flag and wakes all waiters.
  void set();
  /// Event.clear().
  void clear() noexcept { value_ = false; }
  /// Event.wait(): returns at once if set, else waits until set() is called.
  coro<void> wait();

 private:
  bool value_ = false;
};

}  // namespace weft
