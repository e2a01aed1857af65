#pragma once
/// weft::coro<T>: the lazy coroutine an `async def` becomes. Calling a coroutine
/// function runs nothing; `co_await c` runs it inside the current task with no
/// loop hop (as `await coro()` does in asyncio), and create_task(c) wraps it in
/// a task. Frames come from a thread-local pool.

#include <coroutine>
#include <exception>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "weft/detail/frame_pool.hpp"
#include "weft/detail/future_base.hpp"
#include "weft/outcome.hpp"
#include "weft/source_site.hpp"

namespace weft {

template <class T = void>
class coro;

/// Marks a type that weft coroutines may co_await. Awaitables from other
/// libraries cannot be awaited inside a weft::coro: the task would not know what
/// it waits for (asyncio raises "Task got bad yield" for them).
template <class A>
concept weft_awaitable = requires { typename std::remove_cvref_t<A>::weft_awaitable_tag; };

/// The iscoroutine idea: true for weft::coro<T>.
template <class T>
inline constexpr bool is_coroutine_v = false;
template <class T>
inline constexpr bool is_coroutine_v<coro<T>> = true;

/// A weft coroutine object (asyncio.iscoroutine).
template <class T>
concept coroutine = is_coroutine_v<std::remove_cvref_t<T>>;

/// Where a coroutine function was defined, for names and diagnostics.
struct coro_info {
  const char* function = "";  // the coroutine function's name
  unsigned line = 0;          // its line
};

/// `co_return weft::raising{e}` ends a coroutine (one with a value) with
/// exception `e`, as if it threw it, without the cost of a C++ throw: for code
/// that carries exceptions as values (pair it with coro<T>::caught()).
struct raising {
  std::exception_ptr exception;
};

namespace detail {

void warn_never_awaited(const coro_info& info) noexcept;

/// Marks coro<T>::awaiter (and what derives from it), whose `h` is the frame it runs.
struct coro_awaiter_base {};

class promise_base : public pooled {
 public:
  explicit promise_base(coro_info info) noexcept : info_(info) {}

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      std::coroutine_handle<> c = h.promise().continuation_;
      return c ? c : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exc_ = std::current_exception(); }

  /// Every co_await in a weft coroutine passes here: it records where it is
  /// (three stores, the defaults being the co_await's own location) and which
  /// coroutine it runs, if it runs one, so that a task's site can be read by
  /// walking its frames (task_base::suspended_at).
  template <class A>
  A&& await_transform(A&& a, const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                      const char* function = __builtin_FUNCTION()) noexcept {
    static_assert(weft_awaitable<A>,
                  "weft::coro can only co_await weft awaitables (coro, task, future, sleep, ...)");
    using D = std::remove_cvref_t<A>;
    site_ = {file, function, static_cast<std::uint32_t>(line)};
    if constexpr (is_coroutine_v<D>)
      awaiting_ = a.frame_promise();
    else if constexpr (std::is_base_of_v<coro_awaiter_base, D>)
      awaiting_ = &a.h.promise();
    else
      awaiting_ = nullptr;
    return std::forward<A>(a);
  }
  /// Where this coroutine last awaited, and the coroutine that await runs
  /// (null if it awaits anything else): valid while the frame is suspended.
  const source_site& site() const noexcept { return site_; }
  const promise_base* awaiting() const noexcept { return awaiting_; }

  const coro_info& info() const noexcept { return info_; }
  std::exception_ptr& exception() noexcept { return exc_; }
  bool started_ = false;
  std::coroutine_handle<> continuation_;

 protected:
  std::exception_ptr exc_;
  coro_info info_;
  source_site site_;
  promise_base* awaiting_ = nullptr;
};

/// The first parameter of a promise's constructor. A coroutine's promise is
/// built from the coroutine's own arguments when it can be: without this tag,
/// a coroutine taking (const char*, unsigned) would pass them as its name and
/// line. With it, only the defaults apply, evaluated in the coroutine.
struct where_tag {};

template <class T>
class promise final : public promise_base {
 public:
  explicit promise(where_tag = {}, const char* fn = __builtin_FUNCTION(), unsigned line = __builtin_LINE()) noexcept
      : promise_base({fn, line}) {}
  coro<T> get_return_object() noexcept;
  template <class U = T>
  void return_value(U&& v) {
    value_.emplace(std::forward<U>(v));
  }
  /// `co_return raising{e}`: the coroutine ends with `e` as if it threw it.
  void return_value(raising r) noexcept { exc_ = std::move(r.exception); }
  T take() {
    if (exc_) std::rethrow_exception(exc_);
    return std::move(value_.v);
  }
  value_slot<T> value_;
};

template <>
class promise<void> final : public promise_base {
 public:
  explicit promise(where_tag = {}, const char* fn = __builtin_FUNCTION(), unsigned line = __builtin_LINE()) noexcept
      : promise_base({fn, line}) {}
  coro<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (exc_) std::rethrow_exception(exc_);
  }
};

/// `co_await caught_resume{aw}`: awaits `aw`, an awaiter with
/// await_resume_caught(), and returns the exception it would have thrown at
/// resumption (null if none): for callers that carry exceptions as values, a
/// C++ throw saved per cancellation delivered.
template <class Aw>
struct caught_resume {
  using weft_awaitable_tag = void;
  Aw& aw;
  bool await_ready() { return aw.await_ready(); }
  auto await_suspend(std::coroutine_handle<> h) { return aw.await_suspend(h); }
  std::exception_ptr await_resume() { return aw.await_resume_caught(); }
};

/// `co_await raise_up{e}` in a weft coroutine that another one awaits: ends
/// it with `e` as if `e` escaped it, without a C++ throw (each costs
/// microseconds): the awaiting coroutine resumes at once and its co_await
/// raises `e` (or hands it back, with coro::caught()). For void coroutines,
/// where `co_return raising{e}` is not available. Unlike a co_return, the
/// frame stays suspended here until its coro object is destroyed, and its
/// locals with it: only for coroutines whose locals may live that long. In a
/// coroutine nobody awaits (a task's own), throws `e` as usual.
struct raise_up {
  using weft_awaitable_tag = void;
  std::exception_ptr& e;  // a reference: no temporary with a destructor in the co_await (README, g++ 12)
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    const std::coroutine_handle<> parent = h.promise().continuation_;
    if (!parent) return h;  // resumes here: await_resume throws
    h.promise().exception() = std::move(e);
    return parent;
  }
  [[noreturn]] void await_resume() { std::rethrow_exception(std::move(e)); }
};

}  // namespace detail

/// A lazy coroutine returning T. Move-only; owns its frame. Destroying one that
/// never started reports "coroutine 'NAME' was never awaited" (as CPython's
/// RuntimeWarning) through weft's warning handler.
template <class T>
class [[nodiscard]] coro {
 public:
  using promise_type = detail::promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;
  using value_type = T;
  using weft_awaitable_tag = void;

  coro() noexcept = default;
  explicit coro(handle_type h) noexcept : h_(h) {}
  coro(coro&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  coro& operator=(coro o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~coro() { destroy(); }

  /// Where the coroutine function was defined.
  coro_info info() const noexcept { return h_ ? h_.promise().info() : coro_info{}; }
  /// True once the coroutine started running (it cannot be awaited again).
  bool started() const noexcept { return h_ && h_.promise().started_; }
  /// True once the coroutine ran to its end.
  bool done() const noexcept { return h_ && h_.done(); }
  /// True if this object holds a coroutine.
  explicit operator bool() const noexcept { return static_cast<bool>(h_); }

  /// coroutine.close() on a coroutine that never ran: destroys it without the
  /// "never awaited" warning (what TaskGroup.create_task does when it refuses one).
  void close() noexcept {
    if (h_) {
      h_.promise().started_ = true;
      std::exchange(h_, {}).destroy();
    }
  }

  /// The frame's promise, or null (for promise_base::await_transform).
  detail::promise_base* frame_promise() const noexcept { return h_ ? &h_.promise() : nullptr; }

  /// Gives up the frame (create_task takes it).
  handle_type release() noexcept { return std::exchange(h_, {}); }

  struct awaiter : detail::coro_awaiter_base {
    using weft_awaitable_tag = void;
    handle_type h;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> parent) noexcept {
      h.promise().continuation_ = parent;
      h.promise().started_ = true;
      return h;
    }
    T await_resume() { return h.promise().take(); }
  };

  /// `co_await c`: runs the coroutine in the awaiting task, no loop hop.
  /// Throws std::runtime_error("cannot reuse already awaited coroutine") if it
  /// already ran, as CPython does.
  awaiter operator co_await() & { return checked(); }
  awaiter operator co_await() && { return checked(); }

  using element_type = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  struct caught_awaiter : awaiter {
    outcome<element_type> await_resume() {
      detail::promise<T>& p = this->h.promise();
      if (p.exception()) return outcome<element_type>(std::exchange(p.exception(), nullptr));
      if constexpr (std::is_void_v<T>)
        return outcome<element_type>(std::monostate{});
      else
        return outcome<element_type>(p.take());
    }
  };
  /// `co_await c.caught()` (weft-only): runs the coroutine as `co_await c`
  /// does, but hands back how it ended, its value or the exception it raised,
  /// instead of throwing that exception. For code that routes failures as
  /// values: each C++ throw and catch it saves costs microseconds.
  caught_awaiter caught() { return caught_awaiter{checked()}; }

 private:
  awaiter checked() const {
    if (!h_) throw std::logic_error("weft::coro: awaiting an empty coroutine object");
    if (h_.promise().started_) throw std::runtime_error("cannot reuse already awaited coroutine");
    return awaiter{{}, h_};
  }
  void destroy() noexcept {
    if (!h_) return;
    if (!h_.promise().started_) detail::warn_never_awaited(h_.promise().info());
    h_.destroy();
  }
  handle_type h_;
};

namespace detail {
template <class T>
coro<T> promise<T>::get_return_object() noexcept {
  return coro<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline coro<void> promise<void>::get_return_object() noexcept {
  return coro<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace weft
