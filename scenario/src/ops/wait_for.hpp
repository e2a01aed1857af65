#pragma once
/// asyncio.wait_for: the wait_for op.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// [into =] await asyncio.wait_for(aw, timeout).
inline weft::coro<flow> execute(const ops::wait_for& o, context c) {
  std::optional<weft::duration> timeout;
  if (o.timeout) timeout = c.delay("timeout", *o.timeout);
  value v;
  if (o.aw.is_task) {
    v = co_await weft::wait_for(c.task_var("aw/task", o.aw.ref), timeout);
  } else {
    auto body = timeout && *timeout <= weft::duration::zero()
                    ? c.in.call(o.aw.ref, nullptr, c.in.task_depth(c.f, false))  // a task
                    : c.in.call(o.aw.ref, c.f.label, c.f.depth + 1);             // runs in this task
    v = co_await weft::wait_for(std::move(body), timeout);
  }
  c.store(o.into, std::move(v));
  co_return flow::next;
}

}  // namespace weft::scenario::impl
