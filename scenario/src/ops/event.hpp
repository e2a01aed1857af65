#pragma once
/// Events: event, event_set, event_clear, event_wait.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The event in variable `var`.
inline weft::event& event_var(const context& c, const name_ref& var) { return c.prim<weft::event>("var", var, "an event"); }

/// var = asyncio.Event().
inline void execute(const ops::event& o, context c) { c.assign(o.var, value{primitive::make<weft::event>()}); }

/// event.set().
inline void execute(const ops::event_set& o, context c) {
  c.note_primitive(o.var, true);
  event_var(c, o.var).set();
}

/// event.clear().
inline void execute(const ops::event_clear& o, context c) { event_var(c, o.var).clear(); }

/// A wait for an event not set.
inline weft::coro<flow> event_waiting(weft::event& e, const ops::event_wait& o, context c) {
  // A cancellation comes back as a value, not a throw (coro::caught): a task
  // left waiting when main ends is cancelled there in every run.
  auto waiting = e.wait();  // named: g++ 12 mishandles temporaries in co_await operands
  if (std::exception_ptr x = (co_await waiting.caught()).exception()) co_return weft::raising{std::move(x)};
  c.note_primitive(o.var, false);
  co_return flow::next;
}

/// await event.wait(): here, without a coroutine, when the event is set
/// (asyncio's wait() does not yield then either).
inline step execute(const ops::event_wait& o, context c) {
  weft::event& e = event_var(c, o.var);
  if (!e.is_set()) return event_waiting(e, o, c);
  c.note_primitive(o.var, false);
  return flow::next;
}

}  // namespace weft::scenario::impl
