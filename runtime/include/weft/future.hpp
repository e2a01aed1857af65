#pragma once
/// weft::future<T>: asyncio.Future. A shared handle (copies refer to the same
/// future); awaitable from a weft::coro running in a task.

#include <coroutine>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "weft/event_loop.hpp"
#include "weft/exceptions.hpp"
#include "weft/detail/future_base.hpp"
#include "weft/detail/typed_future.hpp"

namespace weft {

/// A future of unknown result type: what every future and task is. Shared
/// handle; an empty (default-constructed) one throws std::logic_error on use.
class any_future {
 public:
  any_future() noexcept = default;
  explicit any_future(detail::ref_ptr<detail::future_base> p) noexcept : p_(std::move(p)) {}

  /// Future.done().
  bool done() const { return get().done(); }
  /// Future.cancelled().
  bool cancelled() const { return get().cancelled(); }
  /// Future.cancel(msg): false if already done. For a task, Task.cancel.
  bool cancel(std::optional<std::string> msg = std::nullopt) const { return get().cancel(std::move(msg)); }
  /// Future.exception(): null if it finished with a result; throws
  /// cancelled_error if cancelled and invalid_state_error if pending.
  std::exception_ptr exception() const { return get().exception(); }
  /// True while it holds an exception nobody has retrieved (by exception(),
  /// result() or an await): what "exception was never retrieved" reports when
  /// it is destroyed. Asyncio's Future._log_traceback; does not retrieve it.
  bool exception_unretrieved() const { return get().exception_unretrieved(); }
  /// Future.get_loop().
  event_loop& get_loop() const { return get().loop(); }

  /// Future.add_done_callback(fn): `fn(any_future)` is scheduled with call_soon
  /// once done (at once if already done), callbacks in registration order.
  /// Returns an id for remove_done_callback (C++ callables have no equality).
  template <class F>
  std::uint64_t add_done_callback(F&& fn) const {
    return get().add_done_callback([fn = std::forward<F>(fn)](detail::future_base* f) mutable {
      fn(any_future(detail::ref_ptr<detail::future_base>(f)));
    });
  }
  /// Future.remove_done_callback, by the id add_done_callback returned; the
  /// number of callbacks removed (0 or 1).
  std::size_t remove_done_callback(std::uint64_t id) const { return get().remove_done_callback(id); }

  explicit operator bool() const noexcept { return static_cast<bool>(p_); }
  friend bool operator==(const any_future& a, const any_future& b) noexcept { return a.p_ == b.p_; }

  detail::future_base* state() const noexcept { return p_.get(); }

 protected:
  detail::future_base& get() const {
    if (!p_) throw std::logic_error("weft: use of an empty future or task handle");
    return *p_;
  }
  detail::ref_ptr<detail::future_base> p_;
};

/// asyncio.Future with a result of type T (void allowed, move-only allowed).
template <class T = void>
class future : public detail::typed_future<T, any_future> {
 public:
  future() noexcept = default;
  /// A new pending future on `loop` (loop.create_future()).
  explicit future(event_loop& loop) : future(make(loop)) {}

  /// Future.set_result(value): throws invalid_state_error unless pending.
  template <class U = T>
    requires(!std::is_void_v<T>)
  void set_result(U&& v) const {
    this->get().check_can_set();
    this->slot().emplace(std::forward<U>(v));
    this->get().finish_with_result();
  }
  /// Future.set_result(None) for future<void>.
  void set_result() const
    requires std::is_void_v<T>
  {
    this->get().check_can_set();
    this->get().finish_with_result();
  }
  /// Future.set_exception(e): throws invalid_state_error unless pending.
  void set_exception(std::exception_ptr e) const { this->get().set_exception(std::move(e)); }

  /// Future.add_done_callback with a callback taking this future<T>.
  template <class F>
    requires std::is_invocable_v<F&, future<T>>
  std::uint64_t add_done_callback(F&& fn) const {
    return this->get().add_done_callback([fn = std::forward<F>(fn)](detail::future_base* f) mutable {
      fn(future<T>(detail::ref_ptr<detail::future_base>(f)));
    });
  }
  using any_future::add_done_callback;

  /// Adopts a state (internal).
  explicit future(detail::ref_ptr<detail::future_base> p) noexcept
      : detail::typed_future<T, any_future>(std::move(p)) {}

 private:
  static detail::ref_ptr<detail::future_base> make(event_loop& loop) {
    // Like asyncio.Future(loop=...), no closed-loop check: using it will fail.
    return detail::ref_ptr<detail::future_base>(new detail::future_state<T>(loop));
  }
};

template <class T>
future<T> event_loop::create_future() {
  return future<T>(*this);
}

/// loop.create_future() on the running loop.
template <class T = void>
future<T> create_future() {
  return get_running_loop().create_future<T>();
}

}  // namespace weft
