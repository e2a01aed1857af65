#pragma once
/// gather, and the awaitable arguments gather and shield take.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// An awaitable argument of gather or shield: a task, or a coroutine the
/// combinator wraps in a new task (labelled "~name").
struct gather_arg {
  using value_type = value;
  interpreter* in;
  std::variant<weft::task<value>, const name_ref*> what;
  int depth;
  weft::any_future ensure_future() && {
    if (auto* t = std::get_if<weft::task<value>>(&what)) return *t;
    const name_ref& coro = *std::get<const name_ref*>(what);
    return weft::create_task(in->call(coro, nullptr, depth));
  }
};

/// The argument for awaitable `a`, which field `field` holds.
inline gather_arg make_gather_arg(const context& c, const std::string& field, const awaitable_ref& a) {
  if (a.is_task) return {&c.in, c.task_var(field + "/task", a.ref), 0};
  return {&c.in, &a.ref, c.in.task_depth(c.f, false)};
}

/// [into =] await asyncio.gather(*items, return_exceptions=...).
inline weft::coro<flow> execute(const ops::gather& o, context c) {
  std::vector<gather_arg> args;
  for (std::size_t i = 0; i < o.items.size(); ++i)
    args.push_back(make_gather_arg(c, "items/" + std::to_string(i), o.items[i]));
  auto items = std::make_shared<value_list>();
  if (o.return_exceptions) {
    auto outcomes = co_await weft::gather(weft::return_exceptions, std::move(args));
    for (auto& r : outcomes) items->items.push_back(r.has_value() ? std::move(r.value()) : value{r.exception()});
  } else {
    auto results = co_await weft::gather(std::move(args));
    for (auto& r : results) items->items.push_back(std::move(r));
  }
  for (const value& v : items->items)
    if (auto* l = std::get_if<list_ptr>(&v.v)) items->depth = std::max(items->depth, (*l)->depth + 1);
  if (items->depth > max_list_depth)
    c.bad("items", "lists nested more than " + std::to_string(max_list_depth) + " deep");
  c.store(o.into, value{list_ptr(std::move(items))});
  co_return flow::next;
}

}  // namespace weft::scenario::impl
