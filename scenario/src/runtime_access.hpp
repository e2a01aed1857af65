#pragma once
/// The runtime internals the interpreter relies on, all in this one place:
/// each stands in for public runtime API that does not exist yet.

#include <exception>
#include <string_view>
#include <utility>

#include <weft/weft.hpp>

namespace weft::scenario::impl {

/// `co_return raised(e)` in a weft::coro<T>: it ends with `e` as if it threw
/// it, without the cost of a C++ throw.
inline weft::detail::raising raised(std::exception_ptr e) { return {std::move(e)}; }

/// `co_await resume_caught(aw)`: awaits `aw` (a sleep) and returns the
/// exception it would throw at resumption (a cancellation; null if none),
/// without a throw.
template <class Aw>
weft::detail::caught_resume<Aw> resume_caught(Aw& aw) {
  return {aw};
}

/// Does `e` hold an E? Answered without a rethrow once E's type was seen.
template <class E>
bool holds(const std::exception_ptr& e) noexcept {
  return weft::detail::exception_is<E>(e);
}

/// Records where the running task is: the simulator names its decisions by
/// it. `where` must outlive the task.
inline void mark_site(weft::event_loop& loop, std::string_view where) noexcept {
  if (weft::detail::task_base* t = loop.current_task_ptr()) t->set_site(where);
}

}  // namespace weft::scenario::impl
