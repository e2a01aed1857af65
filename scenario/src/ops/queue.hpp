#pragma once
/// Queues: queue, put, get, task_done, join.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The queue in variable `var`.
inline value_queue& queue_var(const context& c, const name_ref& var) { return c.prim<value_queue>("var", var, "a queue"); }

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

/// What a put or get that waited raised: a cancellation as a value, not a
/// throw (see event_wait); anything else (a priority queue's incomparable
/// items) thrown as before.
inline weft::raising raised_by_wait(std::exception_ptr e) {
  if (!weft::exception_is<weft::cancelled_error>(e)) std::rethrow_exception(e);
  return {std::move(e)};
}

/// A put into a queue that is full: waits for room.
inline weft::coro<flow> put_waiting(value_queue& q, value item, const ops::put& o, context c) {
  try {
    auto putting = std::visit([&](auto& qq) { return qq.put(std::move(item)); }, q);
    if (std::exception_ptr e = (co_await putting.caught()).exception()) co_return raised_by_wait(std::move(e));
  } catch (const incomparable& e) {
    c.bad("value", e.what);
  }
  c.note_primitive(o.var, true);
  co_return flow::next;
}

/// await queue.put(value), or queue.put_nowait(value). With room it does
/// not wait (asyncio's put() does not yield then either), so it runs here
/// without a coroutine of its own. A refusal is raised as a value, not
/// thrown: a C++ throw costs more than the rest of a scenario's step (a
/// scenario cannot shut a queue down, so full is QueueFull).
inline step execute(const ops::put& o, context c) {
  value item = c.eval("value", o.value);
  auto& q = queue_var(c, o.var);
  const bool full = std::visit([](auto& qq) { return qq.full(); }, q);
  if (full && !o.nowait) return put_waiting(q, std::move(item), o, c);
  if (full) {
    c.note_refusal(o.var);
    return c.raise(std::make_exception_ptr(weft::queue_full()));
  }
  try {
    std::visit([&](auto& qq) { qq.put_nowait(std::move(item)); }, q);
  } catch (const incomparable& e) {
    c.bad("value", e.what);
  }
  c.note_primitive(o.var, true);
  return flow::next;
}

/// A get from an empty queue: waits for an item.
inline weft::coro<flow> get_waiting(value_queue& q, const ops::get& o, context c) {
  value v;
  try {
    auto getting = std::visit([&](auto& qq) { return qq.get(); }, q);
    auto got = co_await getting.caught();
    if (!got.has_value()) co_return raised_by_wait(got.exception());
    v = std::move(got.value());
  } catch (const incomparable& e) {
    c.bad("var", e.what);
  }
  c.note_primitive(o.var, false);
  c.store(o.into, std::move(v));
  co_return flow::next;
}

/// [into =] await queue.get(), or queue.get_nowait(): like put, it runs
/// here unless it must wait.
inline step execute(const ops::get& o, context c) {
  auto& q = queue_var(c, o.var);
  const bool empty = std::visit([](auto& qq) { return qq.empty(); }, q);
  if (empty && !o.nowait) return get_waiting(q, o, c);
  if (empty) {  // QueueEmpty, as a value (see put)
    c.note_refusal(o.var);
    return c.raise(std::make_exception_ptr(weft::queue_empty()));
  }
  value v;
  try {
    v = std::visit([&](auto& qq) { return qq.get_nowait(); }, q);
  } catch (const incomparable& e) {
    c.bad("var", e.what);
  }
  c.note_primitive(o.var, false);
  c.store(o.into, std::move(v));
  return flow::next;
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
