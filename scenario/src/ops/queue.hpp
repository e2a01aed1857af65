#pragma once
/// Queues: queue, put, get, task_done, join.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The queue in variable `var`.
inline value_queue& queue_var(const context& c, const std::string& var) { return c.prim<value_queue>("var", var, "a queue"); }

/// var = asyncio.Queue(maxsize), LifoQueue or PriorityQueue.
inline void execute(const ops::queue& o, context c) {
  primitive_ptr q;
  if (o.kind == "lifo")
    q = primitive::make<value_queue>(std::in_place_type<weft::lifo_queue<value>>, o.maxsize);
  else if (o.kind == "priority")
    q = primitive::make<value_queue>(std::in_place_type<weft::priority_queue<value, value_less>>, o.maxsize);
  else
    q = primitive::make<value_queue>(std::in_place_type<weft::queue<value>>, o.maxsize);
  c.assign(o.var, value{std::move(q)});
}

/// await queue.put(value), or queue.put_nowait(value).
inline weft::coro<flow> execute(const ops::put& o, context c) {
  value item = c.eval("value", o.value);
  auto& q = queue_var(c, o.var);
  try {
    if (o.nowait)
      std::visit(
          [&](auto& qq) {
            if (qq.full()) c.note_refusal(o.var);  // before the throw
            qq.put_nowait(std::move(item));
          },
          q);
    else
      co_await std::visit([&](auto& qq) { return qq.put(std::move(item)); }, q);
  } catch (const incomparable& e) {
    c.bad("value", e.what);
  }
  c.note_primitive(o.var, true);
  co_return flow::next;
}

/// [into =] await queue.get(), or queue.get_nowait().
inline weft::coro<flow> execute(const ops::get& o, context c) {
  auto& q = queue_var(c, o.var);
  value v;
  try {
    if (o.nowait)
      v = std::visit(
          [&](auto& qq) {
            if (qq.empty()) c.note_refusal(o.var);  // before the throw
            return qq.get_nowait();
          },
          q);
    else
      v = co_await std::visit([&](auto& qq) { return qq.get(); }, q);
  } catch (const incomparable& e) {
    c.bad("var", e.what);
  }
  c.note_primitive(o.var, false);
  c.store(o.into, std::move(v));
  co_return flow::next;
}

/// queue.task_done().
inline void execute(const ops::task_done& o, context c) {
  std::visit([&](auto& qq) { qq.task_done(); }, queue_var(c, o.var));
}

/// await queue.join().
inline weft::coro<flow> execute(const ops::join& o, context c) {
  co_await std::visit([&](auto& qq) { return qq.join(); }, queue_var(c, o.var));
  co_return flow::next;
}

}  // namespace weft::scenario::impl
