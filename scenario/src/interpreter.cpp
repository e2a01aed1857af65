// The interpreter core: the run, calls and their frames, the statement loop
// and how it hands each op to its handler, and the run's endings. The
// handlers (ops/*.hpp) are compiled here, with the loop that dispatches to
// them: in one translation unit the compiler inlines each into its dispatch.

#include "weft/scenario/interpreter.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <type_traits>

#include "exceptions.hpp"
#include "weft/sim/coverage.hpp"
#include "interpreter_internal.hpp"
#include "ops/event.hpp"
#include "ops/gather.hpp"
#include "ops/lock.hpp"
#include "ops/queue.hpp"
#include "ops/shield.hpp"
#include "ops/statements.hpp"
#include "ops/task.hpp"
#include "ops/task_group.hpp"
#include "ops/timeout.hpp"
#include "ops/wait.hpp"
#include "ops/wait_for.hpp"

namespace weft::scenario {
namespace impl {

namespace {

/// How a coroutine of the interpreter ends when the run is aborted.
weft::raising aborting() { return {std::make_exception_ptr(run_abort{})}; }

/// A call's value. A return that an exception interrupted (a raising
/// finally, a handler catching it outside) returns nothing, as in Python.
value end_call(flow fl, frame& f) { return fl == flow::returned ? std::move(f.ret) : value{}; }

/// Runs the handler of `o`; one that returns nothing lets the body go on.
template <class Op>
step start(const Op& o, const context& c) {
  if constexpr (std::is_void_v<decltype(execute(o, c))>) {
    execute(o, c);
    return flow::next;
  } else {
    return execute(o, c);
  }
}

}  // namespace

execution interpreter::run() {
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock, .scheduler = opts_.scheduler});
  loop_ = &loop;
  observer_ = opts_.scheduler && opts_.scheduler->observes_accesses() ? opts_.scheduler : nullptr;
  // "Task exception was never retrieved" and the like are not part of a trace.
  loop.set_exception_handler([](weft::event_loop&, const weft::exception_context&) {});
  globals_.assign(prog_.globals, std::nullopt);
  auto main = loop.create_task(main_task());
  bool deadlock = false;
  try {
    // run_until_complete without its throw when an aborted run stopped the
    // loop before main was done (a throw costs more than a short run).
    main.add_done_callback([&loop](const weft::any_future&) { loop.stop(); });
    loop.run_forever();
  } catch (const weft::deadlock_error&) {
    deadlock = true;
    for (const auto& t : weft::all_tasks(loop))
      result_.pending.push_back(t.get_name() + " at " + std::string(t.site()));
  } catch (...) {
    // An aborted run: the reason is already recorded.
  }
  if (bad_) {
    loop.close();
    throw *bad_;
  }
  if (result_.end == ending::completed) {
    if (deadlock) {
      append("= deadlock");
      result_.end = ending::deadlock;
    } else {
      append("= main " + render_main_end(main));
      for (const auto& t : spawned_) {
        try {
          const bool lost = t.exception_unretrieved();  // before rendering reads it
          const std::string name = t.get_name(), state = render_task_state(t);
          std::string line;
          line.reserve(3 + name.size() + state.size());
          line.append("= ").append(name).append(1, ' ').append(state);
          if (lost) result_.unretrieved.push_back(line.substr(2));
          append(std::move(line));
        } catch (const unrenderable&) {
          throw bad_input(prog_.file, "", "task " + t.get_name() + "'s result is a primitive, which has no rendering");
        } catch (const over_limit& e) {
          throw bad_input(prog_.file, "", "limit reached: " + e.what);
        }
      }
    }
  }
  result_.steps = steps_;
  spawned_.clear();
  globals_.clear();
  loop.close();
  return std::move(result_);
}

std::string interpreter::render_main_end(weft::task<main_end>& main) {
  if (main.cancelled()) return "cancelled";
  main_end& o = main.result();
  // A body that ends with CancelledError ended cancelled.
  if (o.raised && weft::is_cancelled_error(std::get<std::exception_ptr>(o.v.v))) return "cancelled";
  try {
    if (!o.raised) return "result " + render(o.v);
    result_.main_raised = render(o.v);
    return "raised " + result_.main_raised;
  } catch (const unrenderable&) {
    throw bad_input(prog_.file, "/main", "main's result is a primitive, which has no rendering");
  } catch (const over_limit& e) {
    throw bad_input(prog_.file, "", "limit reached: " + e.what);
  }
}

// The spec's main_task (scenario-format.md, "The run").
weft::coro<interpreter::main_end> interpreter::main_task() {
  weft::current_task().set_name("main");
  main_end out;
  frame top{&main_label_, 0, {}, {}, {}, {}};
  auto body = call(prog_.main, &main_label_, 0);
  const flow ended = settle(co_await body.caught(), top, out.v);
  if (ended == flow::aborted) co_return aborting();
  if (ended == flow::raised) out = {true, value{top.raised}};
  std::vector<weft::any_task> left;
  for (auto& t : spawned_)
    if (!t.done()) left.push_back(t);
  bool recursed = false;
  try {
    for (auto& t : left) t.cancel();
  } catch (const weft::recursion_error&) {
    recursed = true;  // what CPython's RecursionError ends as: the run runs on no further
  }
  if (recursed) {
    end_at_step_limit();
    co_return aborting();
  }
  if (!left.empty()) {
    try {
      co_await all_done(left);
    } catch (const weft::cancelled_error&) {
    }
  }
  co_return out;
}

/// Waits for every task as gather(*tasks, return_exceptions=True) does: the
/// last task's done callback completes the future being awaited.
weft::future<void> interpreter::all_done(const std::vector<weft::any_task>& tasks) {
  weft::future<void> all(*loop_);
  auto remaining = std::make_shared<std::size_t>(tasks.size());
  for (const auto& t : tasks)
    t.add_done_callback([all, remaining](const weft::any_future& f) {
      if (!f.cancelled()) (void)f.exception();
      if (--*remaining == 0 && !all.done()) all.set_result();
    });
  return all;
}

weft::coro<value> interpreter::call(const name_ref& coro, const std::string* label, int depth) {
  const coroutine& callee = prog_.coros[coro.index];
  return run_body<true>(callee.stmts, nullptr, label ? label : &callee.wrapped, depth, callee.locals);
}

flow interpreter::enter_call(int depth, live_call& live) {
  if (depth > max_call_depth) return end_at_step_limit();
  live.count = &++live_calls_;
  if (live_calls_ > opts_.max_live_calls)
    return limit_reached("more than " + std::to_string(opts_.max_live_calls) +
                         " coroutines alive at once (tasks and the calls they await)");
  return flow::next;
}

void interpreter::set_eager_factory(bool on) {
  loop_->set_task_factory(on ? weft::task_factory(weft::eager_task_factory) : weft::task_factory());
  eager_factory_ = on;
}

// ---- how a run ends early ----

flow interpreter::stop_run() {
  loop_->stop();
  return flow::aborted;
}

void interpreter::abort_run() {
  stop_run();
  throw run_abort{};
}

void interpreter::freeze(std::string line, ending why) {
  if (result_.end != ending::completed) return;
  append(std::move(line));
  result_.end = why;
}

void interpreter::append(std::string line) {
  if (opts_.on_line) opts_.on_line(line);
  result_.trace.push_back(std::move(line));
}

flow interpreter::end_at_step_limit() {
  freeze("= step limit", ending::step_limit);
  return stop_run();
}

flow interpreter::limit_reached(const std::string& what) {
  if (!bad_) bad_ = bad_input(prog_.file, "", "limit reached: " + what);
  freeze("", ending::assertion_failed);
  return stop_run();
}

void interpreter::charge_text(std::size_t bytes) {
  text_bytes_ += bytes;
  if (text_bytes_ > opts_.max_text_bytes) {
    limit_reached("the strings built by add exceed " + std::to_string(opts_.max_text_bytes) + " bytes");
    throw run_abort{};
  }
}

flow interpreter::fail_assertion(const std::string& what) {
  if (result_.end == ending::completed) result_.assertion = what;
  freeze("= assertion failed: " + what, ending::assertion_failed);
  return stop_run();
}

void interpreter::bad(const statement& s, std::string_view field, const std::string& problem) {
  if (!bad_) bad_ = bad_input(prog_.file, s.where + (field.empty() ? "" : "/" + std::string(field)), problem);
  freeze("", ending::assertion_failed);
  abort_run();
}

void interpreter::log(const frame& f, const std::string& text) {
  if (result_.end != ending::completed) return;
  trace_bytes_ += text.size();
  if (trace_bytes_ > opts_.max_trace_bytes) {
    if (!bad_)
      bad_ = bad_input(prog_.file, "", "the trace grew past " + std::to_string(opts_.max_trace_bytes) + " bytes");
    freeze("", ending::assertion_failed);
    abort_run();
  }
  // Built in place: one allocation a line (logging is a large part of a
  // short run's work).
  char now[24];
  const auto end = std::to_chars(now, now + sizeof now, loop_->time().time_since_epoch() / tick).ptr;
  const auto digits = static_cast<std::size_t>(end - now);
  std::string line;
  line.reserve(digits + 3 + f.label->size() + text.size());
  line.append(now, digits).append(1, ' ').append(*f.label).append(": ").append(text);
  append(std::move(line));
}

// ---- the statement loop ----

/// Counts a statement about to run: flow::aborted if the run has ended.
void interpreter::observe(std::string_view name, bool write, bool primitive) {
  // The object is the variable (or its primitive), the site the statement the
  // running task is at (its label): both stable across runs.
  const weft::detail::task_base* t = weft::detail::loop_access::current_task(*loop_);
  const std::uint64_t object = weft::sim::stable_hash(name, primitive ? 0x7072696d ^ 0xcbf29ce484222325ULL : 0xcbf29ce484222325ULL);
  observer_->on_access(object, weft::sim::stable_hash(t ? t->label() : std::string_view("~callback")), write);
}

flow interpreter::count_step(const statement& s) {
  if (result_.end != ending::completed) return stop_run();
  weft::set_current_site(s.where);  // where this task is: the simulator names decisions by it
  if (++steps_ > opts_.max_steps) return end_at_step_limit();
  if (steps_ % 1024 == 0 && weft::heap_exceeds(opts_.max_memory))
    return limit_reached("the heap grew past " + std::to_string(opts_.max_memory >> 20) + " MiB");
  return flow::next;
}

weft::coro<flow> interpreter::exec(const body& b, frame& f) { return run_body<false>(b, &f, nullptr, 0, 0); }

template <bool Call>
weft::coro<std::conditional_t<Call, value, flow>> interpreter::run_body(const body& b, frame* outer,
                                                                        const std::string* label, int depth,
                                                                        std::uint32_t locals) {
  // A call's frame lives here; another body's is its call's (and `own` is unused).
  frame own{label, depth, variables(locals), {}, {}, {}};
  frame& f = Call ? own : *outer;
  flow fl = flow::next;
  live_call live;
  if constexpr (Call) fl = enter_call(depth, live);
  for (auto it = b.begin(); fl == flow::next && it != b.end(); ++it) {
    const statement& s = *it;
    if (count_step(s) == flow::aborted) {
      fl = flow::aborted;
      break;
    }
    // A statement that raises ends the body with flow::raised; the caller
    // (a try, a call, a scope) decides what becomes of the exception.
    std::exception_ptr exc;
    try {
      step next = std::visit([&](const auto& o) { return start(o, context{*this, f, s}); }, s.o);
      if (const flow* done = std::get_if<flow>(&next)) {
        fl = *done;
      } else if (const nap* n = std::get_if<nap>(&next)) {
        exc = co_await weft::sleep(n->d).caught();  // a cancellation, without a throw
      } else if (await_task* t = std::get_if<await_task>(&next)) {
        value v;
        fl = settle(co_await t->task.caught(), f, v);  // a failed task's exception, without a throw
        if (fl == flow::next && !t->into->empty()) assign(f, *t->into, std::move(v));
      } else if (await_call* c = std::get_if<await_call>(&next)) {
        value v;
        fl = settle(co_await c->call.caught(), f, v);
        if (fl == flow::next && !c->into->empty()) assign(f, *c->into, std::move(v));
      } else {
        flow handled = flow::next;
        fl = settle(co_await std::get<weft::coro<flow>>(next).caught(), f, handled);
        if (fl == flow::next) fl = handled;
      }
    } catch (const run_abort&) {
      fl = flow::aborted;
    } catch (const over_limit& e) {
      fl = limit_reached(e.what);
    } catch (const std::bad_alloc&) {
      // Never a Python exception a handler could catch.
      fl = limit_reached("memory ran out");
    } catch (...) {
      exc = std::current_exception();
    }
    if (exc) {
      f.raised = std::move(exc);
      fl = flow::raised;
    }
  }
  if constexpr (Call) {
    if (fl == flow::raised) co_return weft::raising{std::move(f.raised)};  // the coroutine raises it
    if (fl == flow::aborted) co_return aborting();
    co_return end_call(fl, f);
  } else {
    co_return fl;
  }
}

weft::coro<flow> interpreter::exec_raising(const body& b, frame& f) {
  flow fl = co_await exec(b, f);
  if (fl == flow::raised) std::rethrow_exception(std::move(f.raised));
  if (fl == flow::aborted) throw run_abort{};  // the scope unwinds as before
  co_return fl;
}

// ---- what handlers share ----

void context::bad_variable(std::string_view field, const std::string& name, const std::string& problem) const {
  bad(field, "variable '" + name + "' " + problem);
}

std::string context::show(std::string_view field, const value& v) const {
  try {
    return render(v);
  } catch (const unrenderable&) {
    bad(field, "a primitive (event, lock, semaphore, queue, timeout or task group) has no rendering");
  }
}

namespace {
constexpr std::int64_t clock_limit = std::numeric_limits<std::int64_t>::max() / 1000 / 2;
}

weft::duration context::delay(std::string_view field, std::int64_t ticks) const {
  std::int64_t now = in.loop().time().time_since_epoch() / tick;
  if (ticks > 0 && now > clock_limit - ticks)
    bad(field, "the virtual clock would pass " + std::to_string(clock_limit) +
                   " ticks, weft's limit (its clock is 64-bit nanoseconds)");
  return ticks * tick;
}

std::optional<weft::time_point> context::deadline(std::string_view field, const std::optional<std::int64_t>& ticks,
                                                  bool relative) const {
  if (!ticks) return std::nullopt;
  if (relative) return in.loop().time() + delay(field, *ticks);
  if (*ticks > clock_limit) bad(field, "a deadline past weft's clock limit");
  return weft::time_point{} + *ticks * tick;
}

}  // namespace impl

execution run(const program& prog, const run_options& opts) { return impl::interpreter(prog, opts).run(); }

}  // namespace weft::scenario
