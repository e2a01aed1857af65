#pragma once
/// What combinators do with their arguments, as asyncio.ensure_future does:
/// a task or future is used as is, a coroutine (or any other weft awaitable)
/// is wrapped in a new task on the running loop.

#include <type_traits>
#include <variant>

#include "weft/coro.hpp"
#include "weft/future.hpp"
#include "weft/task.hpp"

namespace weft {

namespace detail {
template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); })
    return std::forward<A>(a).operator co_await();
  else
    return std::forward<A>(a);
}
}  // namespace detail

/// The result type of `co_await a` for an A (void stays void).
template <class A>
using await_result_t = decltype(detail::get_awaiter(std::declval<A>()).await_resume());

namespace detail {

template <class A>
struct is_future_like : std::is_base_of<any_future, std::remove_cvref_t<A>> {};

}  // namespace detail

/// A type the combinators accept besides futures and awaitables: it names its
/// result `value_type` and turns itself into a future (a new task, usually)
/// with `std::move(x).ensure_future()`. For arguments chosen at run time, such
/// as "a task or a coroutine".
template <class A>
concept future_source = requires(std::remove_cvref_t<A>&& a) {
  typename std::remove_cvref_t<A>::value_type;
  { std::move(a).ensure_future() } -> std::convertible_to<any_future>;
};

namespace detail {

/// What gather, shield, wait_for and as_completed accept: a future or task, or
/// a weft awaitable (coroutine, sleep, ...), which they wrap in a task.
template <class A>
concept gatherable = is_future_like<A>::value || weft_awaitable<A> || future_source<A>;

/// The value a future of T holds, as an element of a result list: void becomes
/// std::monostate.
template <class T>
using element_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// The result type of a future-like or awaitable argument (no `type` for
/// anything else, so that overloads constrained on it fall away cleanly).
template <class A>
struct arg_result {};
template <class A>
  requires(is_future_like<A>::value || future_source<A>)
struct arg_result<A> {
  using type = typename std::remove_cvref_t<A>::value_type;
};
template <class A>
  requires(weft_awaitable<A> && !is_future_like<A>::value && !future_source<A>)
struct arg_result<A> {
  using type = await_result_t<A&&>;
};
template <class A>
using arg_result_t = std::remove_cvref_t<typename arg_result<A>::type>;

template <class Aw>
coro<await_result_t<Aw&&>> await_in_coro(Aw aw) {
  co_return co_await std::move(aw);
}

/// What a context-manager body returns when awaited: body(arg) if it takes the
/// scope or group it runs in, else body(). (timeout_scope::run, task_group::run)
template <class F, class Arg>
struct body_result {
  using type = std::remove_cvref_t<await_result_t<std::invoke_result_t<F&, Arg&>>>;
};
template <class F, class Arg>
  requires(!std::is_invocable_v<F&, Arg&>)
struct body_result<F, Arg> {
  using type = std::remove_cvref_t<await_result_t<std::invoke_result_t<F&>>>;
};
template <class F, class Arg>
decltype(auto) call_body(F& body, Arg& arg) {
  if constexpr (std::is_invocable_v<F&, Arg&>)
    return body(arg);
  else
    return body();
}

/// Awaits a context-manager body and hands back how it ended, for the scope
/// to handle. A coroutine body's exception is taken without a rethrow
/// (coro::caught()); any other awaitable's is caught.
template <class R, class F, class Arg>
coro<outcome<element_t<R>>> run_body(F& body, Arg& arg) {
  auto&& aw = call_body(body, arg);
  if constexpr (is_coroutine_v<std::remove_cvref_t<decltype(aw)>>) {
    co_return co_await aw.caught();
  } else {
    std::exception_ptr exc;
    try {
      if constexpr (std::is_void_v<R>) {
        co_await aw;
        co_return outcome<element_t<R>>(std::monostate{});
      } else {
        co_return outcome<element_t<R>>(co_await aw);
      }
    } catch (...) {
      exc = std::current_exception();
    }
    co_return outcome<element_t<R>>(std::move(exc));
  }
}

/// `async with scope: return await body()`: enters, runs the body as an
/// outcome, exits, then returns its value or raises what the exit leaves to
/// propagate. (timeout_scope::run, task_group::run)
template <class Scope, class F>
coro<typename body_result<F, Scope>::type> run_in_scope(Scope& scope, F body) {
  using R = typename body_result<F, Scope>::type;
  scope.enter();
  auto ran = run_body<R>(body, scope);
  outcome<element_t<R>> o = co_await ran;
  std::exception_ptr propagate = o.exception();
  // __aexit__ is a coroutine that raises what replaces the body's exception
  // (TaskGroup), or, where it never suspends, a function returning the
  // exception to propagate (Timeout: no coroutine frame).
  // What either raises goes up as a value (raise_up), not a C++ throw.
  if constexpr (is_coroutine_v<decltype(scope.exit(propagate))>) {
    auto exiting = scope.exit(propagate);
    auto exited = co_await exiting.caught();
    if (std::exception_ptr e = exited.exception()) propagate = std::move(e);  // else the body's goes on
  } else {
    propagate = scope.exit(std::move(propagate));
  }
  if (propagate) co_await raise_up{propagate};
  if constexpr (!std::is_void_v<R>) co_return std::move(o.value());
}

/// asyncio.ensure_future(arg): the future/task itself, or a new task running it.
template <class A>
ref_ptr<future_base> ensure_future(A&& a) {
  using D = std::remove_cvref_t<A>;
  if constexpr (future_source<D>) {
    any_future f = std::move(a).ensure_future();
    return ref_ptr<future_base>(f.state());
  } else if constexpr (is_future_like<D>::value) {
    if (!a) throw std::logic_error("weft: use of an empty future or task handle");
    return ref_ptr<future_base>(a.state());
  } else if constexpr (is_coroutine_v<D>) {
    return ref_ptr<future_base>(create_task(std::move(a)).state());
  } else {
    static_assert(weft_awaitable<D>, "expected a weft coroutine, task, future or awaitable");
    return ref_ptr<future_base>(create_task(await_in_coro<D>(std::move(a))).state());
  }
}

/// The value of a done, successful future of T: copied if T is copyable, else
/// moved out (a move-only result can be taken once).
template <class T>
element_t<T> take_value(future_base* f) {
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    T& v = slot_of<T>(*f).v;
    if constexpr (std::is_copy_constructible_v<T>)
      return v;
    else
      return std::move(v);
  }
}

}  // namespace detail
}  // namespace weft
