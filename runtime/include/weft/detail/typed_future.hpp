#pragma once
/// What a handle with a result type adds to an untyped one: awaiting it and
/// reading its value_slot<T>. future<T> and task<T> are both made of it.

#include <coroutine>
#include <type_traits>
#include <utility>
#include <variant>

#include "weft/detail/future_base.hpp"
#include "weft/outcome.hpp"

namespace weft::detail {

/// Suspends the current task on `f` (the task registers its wakeup after the
/// coroutine suspends, as Task.__step does with a yielded future).
void suspend_on(future_base* f, std::coroutine_handle<> h);
/// Throws the exception the task was resumed with, if any (coro.throw(exc)).
void raise_thrown(task_base* t);
/// What a co_await of `f` by task `t` (if it suspended) raises as it resumes:
/// the exception the task was resumed with, else f's; null if neither.
std::exception_ptr resume_error(future_base* f, task_base* t);
/// The running loop's current task (throws if there is none).
task_base* require_current_task();

/// The value_slot<T> of a future or task of T.
template <class T>
value_slot<T>& slot_of(const future_base& f) noexcept {
  return *static_cast<value_slot<T>*>(f.value_ptr());
}

/// What `co_await` on an lvalue future<T> returns: T&, or void.
template <class T>
struct lvalue_result {
  using type = T&;
};
template <>
struct lvalue_result<void> {
  using type = void;
};
template <class T>
using lvalue_result_t = typename lvalue_result<T>::type;

/// Awaits a future: Future.__await__. No suspension if already done.
template <class T, class Result>
struct future_awaiter {
  using weft_awaitable_tag = void;
  future_base* f;
  task_base* t = nullptr;
  bool await_ready() const noexcept { return f->done(); }
  void await_suspend(std::coroutine_handle<> h) {
    t = require_current_task();
    suspend_on(f, h);
  }
  Result await_resume() {
    if (t) raise_thrown(t);
    f->raise_unless_result();
    if constexpr (!std::is_void_v<T>) {
      auto& slot = slot_of<T>(*f);
      // Other handles may share the future, so even an rvalue await copies;
      // only a move-only value is moved out (it can then be taken once).
      if constexpr (std::is_reference_v<Result> || std::is_copy_constructible_v<T>)
        return slot.v;
      else
        return std::move(slot.v);
    }
  }
  /// As await_resume, but returns the exception instead of throwing it (see caught_resume).
  std::exception_ptr await_resume_caught()
    requires std::is_void_v<T>
  {
    return resume_error(f, t);
  }
};

/// What `co_await f.caught()` returns: awaits as future_awaiter<T, T> does,
/// but hands back the value or the exception as an outcome, without a throw.
/// (outcome<std::monostate> for a future<void>, as coro<void>::caught()).
template <class T>
struct caught_future_awaiter : future_awaiter<T, T> {
  using result_type = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  outcome<result_type> await_resume() {
    if (std::exception_ptr e = resume_error(this->f, this->t)) return outcome<result_type>(std::move(e));
    if constexpr (std::is_void_v<T>) {
      return outcome<result_type>(std::monostate{});
    } else {
      auto& slot = slot_of<T>(*this->f);
      if constexpr (std::is_copy_constructible_v<T>)
        return outcome<T>(slot.v);  // other handles may share the future: a copy, as an rvalue await makes
      else
        return outcome<T>(std::move(slot.v));
    }
  }
};

/// future<T> and task<T> over their untyped handle (Base: any_future or
/// any_task): result() and co_await, the same for a Future and a Task.
template <class T, class Base>
class typed_future : public Base {
 public:
  using value_type = T;
  using weft_awaitable_tag = void;
  using Base::Base;

  /// Future.result() / Task.result(): the value; rethrows the exception;
  /// throws cancelled_error if cancelled and invalid_state_error("Result is
  /// not ready.") if pending. The rvalue overload moves the value out.
  decltype(auto) result() & {
    this->get().raise_unless_result();
    if constexpr (!std::is_void_v<T>) return (slot().v);
  }
  decltype(auto) result() && {
    this->get().raise_unless_result();
    if constexpr (!std::is_void_v<T>) return T(std::move(slot().v));
  }

  /// `co_await f`: suspends the task until it is done (a task's completion
  /// reaches the awaiter one loop iteration later, as in asyncio); returns a
  /// reference to the value (lvalue), or a copy (rvalue; a move-only value is
  /// moved out).
  auto operator co_await() const& { return future_awaiter<T, lvalue_result_t<T>>{&this->get()}; }
  auto operator co_await() && { return future_awaiter<T, T>{&this->get()}; }
  /// `co_await f.caught()` (weft-only): awaits as `co_await std::move(f)`
  /// does, but returns outcome<T> (outcome<std::monostate> for void), the
  /// value or the exception it would have raised, instead of throwing it (a
  /// C++ throw costs microseconds; a program that expects failures can do
  /// without it).
  caught_future_awaiter<T> caught() const { return {{&this->get()}}; }

 protected:
  value_slot<T>& slot() const { return slot_of<T>(this->get()); }
};

}  // namespace weft::detail
