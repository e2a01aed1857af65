#pragma once
/// Locks and semaphores: lock, semaphore, and acquire, release and locked,
/// which take either.

#include "../interpreter_internal.hpp"

namespace weft::scenario::impl {

/// The semaphore (bounded or not) in `var`, or null.
inline weft::semaphore* semaphore_var(const context& c, const std::string& var) {
  value& v = c.read("var", var);
  if (auto* p = std::get_if<primitive_ptr>(&v.v)) {
    if (auto* x = std::get_if<weft::semaphore>(&(*p)->p)) return x;
    if (auto* x = std::get_if<weft::bounded_semaphore>(&(*p)->p)) return x;
  }
  return nullptr;
}

/// The lock in variable `var`.
inline weft::lock& lock_var(const context& c, const std::string& var) {
  return c.prim<weft::lock>("var", var, "a lock or semaphore");
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
  weft::semaphore* sem = semaphore_var(c, o.var);
  weft::lock* l = sem ? nullptr : &lock_var(c, o.var);
  if (!(sem ? sem->try_acquire() : l->try_acquire())) return acquire_waiting(sem ? sem->acquire() : l->acquire(), o, c);
  c.note_primitive(o.var, false);
  return flow::next;
}

/// lock.release().
inline void execute(const ops::release& o, context c) {
  c.note_primitive(o.var, true);
  if (weft::semaphore* sem = semaphore_var(c, o.var))
    sem->release();
  else
    lock_var(c, o.var).release();
}

/// Logs lock.locked().
inline void execute(const ops::locked& o, context c) {
  weft::semaphore* sem = semaphore_var(c, o.var);
  bool l = sem ? sem->locked() : lock_var(c, o.var).locked();
  c.log(std::string("locked ") + (l ? "True" : "False"));
}

}  // namespace weft::scenario::impl
