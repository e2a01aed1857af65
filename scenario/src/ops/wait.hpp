#pragma once
/// asyncio.wait: the wait op.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// [into =] await asyncio.wait(tasks, timeout=..., return_when=...).
inline weft::coro<flow> execute(const ops::wait& o, context c) {
  std::vector<weft::task<value>> tasks;
  for (std::size_t i = 0; i < o.items.size(); ++i)
    tasks.push_back(c.task_var("items/" + std::to_string(i) + "/task", o.items[i].ref));
  weft::return_when when = o.return_when == "FIRST_COMPLETED"   ? weft::return_when::first_completed
                           : o.return_when == "FIRST_EXCEPTION" ? weft::return_when::first_exception
                                                                : weft::return_when::all_completed;
  std::optional<weft::duration> timeout;
  if (o.timeout) timeout = c.delay("timeout", *o.timeout);
  auto r = co_await weft::wait(std::move(tasks), {.timeout = timeout, .when = when});
  auto pair = std::make_shared<value_list>();
  pair->items.push_back(value{task_set{std::move(r.done)}});
  pair->items.push_back(value{task_set{std::move(r.pending)}});
  c.store(o.into, value{list_ptr(std::move(pair))});
  co_return flow::next;
}

}  // namespace weft::scenario::impl
