#pragma once
/// weft::event: asyncio.Event.

#include <deque>

#include "weft/coro.hpp"
#include "weft/detail/loop_bound.hpp"
#include "weft/future.hpp"

namespace weft {

/// asyncio.Event: a flag tasks can wait for. set() wakes every waiter (each
/// resumes on a later iteration, in the order they started waiting).
class event : detail::loop_bound {
 public:
  event() = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  /// Event.is_set().
  bool is_set() const noexcept { return value_; }
  /// Event.set(): sets the flag and wakes all waiters.
  void set();
  /// Event.clear().
  void clear() noexcept { value_ = false; }
  /// Event.wait(): returns at once if set, else waits until set() is called.
  coro<void> wait();

 private:
  std::deque<future<void>> waiters_;
  bool value_ = false;
};

}  // namespace weft
