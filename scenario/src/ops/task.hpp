#pragma once
/// Tasks: spawn, await, cancel, state, uncancel, cancelling, eager_factory.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// var = asyncio.create_task(coro(), name=...), or group.create_task(...).
inline void execute(const ops::spawn& o, context c) {
  const std::string& name = o.task_name ? *o.task_name : o.var.name;
  // Creation order is the order spawns begin: an eager task spawning
  // another in its first step was created first.
  std::vector<weft::task<value>>& spawned = c.in.spawned();
  std::size_t slot = spawned.size();
  spawned.emplace_back();
  weft::task<value> t;
  try {
    auto body = c.in.call(o.coro, &name, c.in.task_depth(c.f, o.eager));
    t = o.group.empty() ? weft::create_task(std::move(body), {.name = name, .eager_start = o.eager})
                        : c.prim<weft::task_group>("group", o.group, "a task group").create_task(std::move(body), name);
  } catch (...) {
    spawned.erase(spawned.begin() + static_cast<std::ptrdiff_t>(slot));  // TaskGroup refused it
    throw;
  }
  spawned[slot] = t;
  c.assign(o.var, value{t});
}

/// [into =] await task, or await coro() (run in this task): exec awaits it.
inline step execute(const ops::await_& o, context c) {
  if (o.aw.is_task) return await_task{c.task_var("aw/task", o.aw.ref), &o.into};
  return await_call{c.in.call(o.aw.ref, c.f.label, c.f.depth + 1), &o.into};
}

/// [into =] task.cancel(msg).
inline flow execute(const ops::cancel& o, context c) {
  bool r = false;
  try {
    r = c.task_var("var", o.var).cancel(o.msg);
  } catch (const weft::recursion_error&) {
    return c.in.end_at_step_limit();  // as the oracle ends a RecursionError
  }
  c.store(o.into, value{r});
  return flow::next;
}

/// Logs the task's state: pending, cancelled, raised EXC or result VALUE.
inline void execute(const ops::state& o, context c) {
  auto t = c.task_var("var", o.var);
  std::string state;
  try {
    state = render_task_state(t);
  } catch (const unrenderable&) {
    c.bad("var", "the task's result is a primitive, which has no rendering");
  }
  c.log("state " + t.get_name() + " " + state);
}

/// [into =] current_task().uncancel().
inline void execute(const ops::uncancel& o, context c) {
  int n = weft::current_task().uncancel();
  c.store(o.into, value{std::int64_t{n}});
}

/// Logs current_task().cancelling().
inline void execute(const ops::cancelling&, context c) {
  c.log("cancelling " + std::to_string(weft::current_task().cancelling()));
}

/// loop.set_task_factory(asyncio.eager_task_factory), or back to None.
inline void execute(const ops::eager_factory& o, context c) { c.in.set_eager_factory(o.on); }

}  // namespace weft::scenario::impl
