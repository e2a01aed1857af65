#pragma once
/// Events: event, event_set, event_clear, event_wait.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The event in variable `var`.
inline weft::event& event_var(const context& c, const std::string& var) { return c.prim<weft::event>("var", var, "an event"); }

/// var = asyncio.Event().
inline void execute(const ops::event& o, context c) { c.assign(o.var, value{primitive::make<weft::event>()}); }

/// event.set().
inline void execute(const ops::event_set& o, context c) {
  c.note_primitive(o.var, true);
  event_var(c, o.var).set();
}

/// event.clear().
inline void execute(const ops::event_clear& o, context c) { event_var(c, o.var).clear(); }

/// await event.wait().
inline weft::coro<flow> execute(const ops::event_wait& o, context c) {
  // A cancellation comes back as a value, not a throw (coro::caught): a task
  // left waiting when main ends is cancelled there in every run.
  auto waiting = event_var(c, o.var).wait();  // named: g++ 12 mishandles temporaries in co_await operands
  if (std::exception_ptr e = (co_await waiting.caught()).exception()) co_return weft::raising{std::move(e)};
  c.note_primitive(o.var, false);
  co_return flow::next;
}

}  // namespace weft::scenario::impl
