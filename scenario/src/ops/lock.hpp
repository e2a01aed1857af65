#pragma once
/// Locks and semaphores: lock, semaphore, and acquire, release and locked,
/// which take either.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The lock or the semaphore (bounded or not) in variable `var`: one of the
/// two is set. One read of the variable (coverage counts each read).
struct lock_or_semaphore {
  weft::lock* lock = nullptr;
  weft::semaphore* sem = nullptr;
};
inline lock_or_semaphore lock_var(const context& c, const name_ref& var) {
  value& v = c.read("var", var);
  if (auto* p = std::get_if<primitive_ptr>(&v.v)) {
    if (auto* x = std::get_if<weft::lock>(&(*p)->p)) return {x, nullptr};
    if (auto* x = std::get_if<weft::semaphore>(&(*p)->p)) return {nullptr, x};
    if (auto* x = std::get_if<weft::bounded_semaphore>(&(*p)->p)) return {nullptr, x};
  }
  c.bad_variable("var", var.name, "does not hold a lock or semaphore");
}

/// var = asyncio.Lock().
inline void execute(const ops::lock& o, context c) { c.assign(o.var, value{primitive::make<weft::lock>()}); }

/// var = asyncio.Semaphore(value), or BoundedSemaphore.
inline void execute(const ops::semaphore& o, context c) {  // Semaphore(-1) raises ValueError in the task, as in asyncio
  if (o.bounded)
    c.assign(o.var, value{primitive::make<weft::bounded_semaphore>(o.value)});
  else
    c.assign(o.var, value{primitive::make<weft::semaphore>(o.value)});
}

/// An acquire that must wait.
inline weft::coro<flow> acquire_waiting(weft::coro<void> acquiring, const ops::acquire& o, context c) {
  // A cancellation as a value, not a throw (see event_wait).
  if (std::exception_ptr e = (co_await acquiring.caught()).exception()) co_return weft::raising{std::move(e)};
  c.note_primitive(o.var, false);
  co_return flow::next;
}

/// await lock.acquire(): here, without a coroutine, when it need not wait
/// (asyncio's acquire() does not yield then either).
inline step execute(const ops::acquire& o, context c) {
  const auto [l, sem] = lock_var(c, o.var);
  if (!(sem ? sem->try_acquire() : l->try_acquire())) return acquire_waiting(sem ? sem->acquire() : l->acquire(), o, c);
  c.note_primitive(o.var, false);
  return flow::next;
}

/// lock.release().
inline void execute(const ops::release& o, context c) {
  c.note_primitive(o.var, true);
  const auto [l, sem] = lock_var(c, o.var);
  sem ? sem->release() : l->release();
}

/// Logs lock.locked().
inline void execute(const ops::locked& o, context c) {
  const auto [l, sem] = lock_var(c, o.var);
  c.log(std::string("locked ") + ((sem ? sem->locked() : l->locked()) ? "True" : "False"));
}

}  // namespace weft::scenario::impl
