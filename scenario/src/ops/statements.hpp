#pragma once
/// The plain statements: log, set, add, assert, return, raise, reraise, try,
/// sleep.

#include <algorithm>

#include "../exceptions.hpp"
#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The message with each "{var}" replaced by the variable's rendering.
inline std::string format_message(const ops::log& o, const context& c) {
  const std::string& m = o.msg;
  std::string out;
  std::size_t i = 0;
  for (const name_ref& var : o.vars) {
    const std::size_t open = m.find('{', i);
    out.append(m, i, open - i);
    out += c.show("msg", c.read("msg", var));
    i = m.find('}', open) + 1;
  }
  out.append(m, i);
  return out;
}

/// log: a trace line.
inline void execute(const ops::log& o, context c) {
  if (o.vars.empty()) return c.log(o.msg);  // nothing to format: no copy
  c.log(format_message(o, c));
}

/// set: var = value.
inline void execute(const ops::set& o, context c) { c.assign(o.var, c.eval("value", o.value)); }

/// add: var += value, for two ints (kept to 32 bits) or two strings.
inline void execute(const ops::add& o, context c) {
  value& cur = c.read("var", o.var);
  value rhs = c.eval("value", o.value);
  if (auto a = as_int(cur), b = as_int(rhs); a && b) {
    std::int64_t sum = *a + *b;
    if (sum < -(std::int64_t{1} << 31) || sum >= (std::int64_t{1} << 31))
      c.bad("value", "the sum " + std::to_string(sum) + " is out of range [-2^31, 2^31)");
    return c.assign(o.var, {sum});
  }
  auto* x = std::get_if<text>(&cur.v);
  auto* y = std::get_if<text>(&rhs.v);
  if (x && y) {
    if ((*x)->size() + (*y)->size() > limits{}.max_string_bytes * 16)
      c.bad("value", "the string grew beyond " + std::to_string(limits{}.max_string_bytes * 16) + " bytes");
    c.in.charge_text((*x)->size() + (*y)->size());
    return c.assign(o.var, {make_text(**x + **y)});
  }
  c.bad("value", std::string("add needs two integers or two strings, not ") + type_name(cur) + " and " + type_name(rhs));
}

/// assert: var == eq, or the run ends as "= assertion failed".
inline flow execute(const ops::assert_& o, context c) {
  value* got = c.in.lookup(c.f, o.var);
  value want = c.eval("eq", o.eq);
  value none;
  if (equal(got ? *got : none, want)) return flow::next;
  // Rendered var first: where both are primitives, the error names "var".
  const std::string was = c.show("var", got ? *got : none);
  return c.in.fail_assertion(o.var.name + " == " + c.show("eq", want) + " (was " + was + ")");
}

/// return [value].
inline flow execute(const ops::return_& o, context c) {
  c.f.ret = o.value ? c.eval("value", *o.value) : value{};
  return flow::returned;
}

/// raise Kind(msg), Kind a fresh Exception subclass.
inline flow execute(const ops::raise& o, context c) {
  return c.raise(std::make_exception_ptr(user_error(o.exc, o.msg)));
}

/// A bare raise in an except or finally block.
inline flow execute(const ops::reraise&, context c) {
  return c.raise(c.f.handling.back());
}

/// How a body run by exec ended, its exception (if it raised one) moved to
/// `raised`: the body is over, and what it raised is the caller's to handle.
inline flow catching(flow fl, frame& f, std::exception_ptr& raised) {
  if (fl != flow::raised) return fl;
  raised = std::move(f.raised);
  return flow::next;
}

/// try / except / finally.
inline weft::coro<flow> execute(const ops::try_& o, context c) {
  frame& f = c.f;
  std::exception_ptr pending;
  flow result = catching(co_await c.in.exec(o.stmts, f), f, pending);
  if (result == flow::aborted) co_return flow::aborted;  // no handler, no finally
  if (pending) {
    for (const handler& h : o.handlers) {
      if (!matches(h.exc, pending)) continue;
      if (h.as) c.assign(*h.as, value{pending});
      f.handling.push_back(pending);
      std::exception_ptr from_handler;
      result = catching(co_await c.in.exec(h.stmts, f), f, from_handler);
      f.handling.pop_back();
      if (result == flow::aborted) co_return flow::aborted;
      pending = from_handler;
      break;
    }
  }
  if (o.finally) {
    // While an exception unwinds, it is the one a bare raise in finally re-raises.
    if (pending) f.handling.push_back(pending);
    std::exception_ptr from_finally;
    flow ffl = catching(co_await c.in.exec(*o.finally, f), f, from_finally);
    if (pending) f.handling.pop_back();
    if (ffl == flow::aborted) co_return flow::aborted;
    if (from_finally) pending = from_finally;
    // A return in finally wins over both a return and an exception.
    else if (ffl == flow::returned) co_return flow::returned;
  }
  if (pending) {
    f.raised = std::move(pending);
    co_return flow::raised;
  }
  co_return result;
}

/// await asyncio.sleep(d): exec awaits it (see nap).
inline nap execute(const ops::sleep& o, context c) { return {c.delay("d", o.d)}; }

}  // namespace weft::scenario::impl
