#pragma once
/// asyncio.shield: the shield op.

#include "../interpreter_internal.hpp"
#include "gather.hpp"

namespace weft::scenario::impl {

/// [into =] await asyncio.shield(aw).
inline weft::coro<flow> execute(const ops::shield& o, context c) {
  value v = co_await weft::shield(make_gather_arg(c, "aw", o.aw));
  c.store(o.into, std::move(v));
  co_return flow::next;
}

}  // namespace weft::scenario::impl
