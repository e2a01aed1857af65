#pragma once
/// timeout, timeout_at, and their context managers' reschedule and expired.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// async with asyncio.timeout(d) [as cm], or asyncio.timeout_at(when): body.
template <bool Relative>
weft::coro<flow> execute(const ops::scoped_timeout<Relative>& o, context c) {
  auto holder = primitive::make<std::unique_ptr<weft::timeout_scope>>(
      std::make_unique<weft::timeout_scope>(c.deadline(o.at, o.ticks, Relative)));
  weft::timeout_scope& scope = *std::get<std::unique_ptr<weft::timeout_scope>>(holder->p);
  if (!o.as.empty()) c.assign(o.as, value{holder});
  return run_in(scope, std::move(holder), o.stmts, c);
}

/// The timeout in variable `cm`.
inline weft::timeout_scope& scope_var(const context& c, const name_ref& cm) {
  return *c.prim<std::unique_ptr<weft::timeout_scope>>("cm", cm, "a timeout");
}

/// cm.reschedule(deadline).
inline void execute(const ops::reschedule& o, context c) {
  scope_var(c, o.cm).reschedule(c.deadline(o.relative ? "d" : "when", o.ticks, o.relative));
}

/// Logs cm.expired().
inline void execute(const ops::expired& o, context c) {
  c.log(std::string("expired ") + (scope_var(c, o.cm).expired() ? "True" : "False"));
}

}  // namespace weft::scenario::impl
