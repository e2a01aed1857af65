#pragma once
/// Task groups: taskgroup (spawn's "group" field creates a task in one: task.hpp).

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// async with asyncio.TaskGroup() as tg: body.
inline weft::coro<flow> execute(const ops::taskgroup& o, context c) {
  auto holder = primitive::make<weft::task_group>();
  weft::task_group& tg = std::get<weft::task_group>(holder->p);
  c.assign(o.as, value{holder});
  return run_in(tg, std::move(holder), o.stmts, c);
}

}  // namespace weft::scenario::impl
