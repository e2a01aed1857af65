#include "weft/scenario/interpreter.hpp"

#include <chrono>
#include <map>
#include <limits>
#include <memory>
#include <algorithm>
#include <variant>

#include <weft/weft.hpp>
#include <weft/gather.hpp>

#include "exceptions.hpp"
#include "values.hpp"
#include "weft/scenario/parse.hpp"

namespace weft::scenario {
namespace impl {
namespace {

// ---- the interpreter ----

/// Unwinds a run that ended early (failed assert, step limit, run-time bad
/// input). Derives from nothing, so no scenario handler can catch it.
struct run_abort {};

/// How a body ended: it ran to its end, it returned, it raised (the exception
/// is in frame::raised), or the run was aborted (an assert failed, a limit was
/// hit: nothing runs on). Exceptions and aborts travel up the interpreter's own
/// coroutines as values: a C++ throw and catch per coroutine level is what made
/// exploring exception-heavy scenarios slow.
enum class flow { next, returned, raised, aborted };

/// One call of a coroutine body: its `.` locals, its return value and the
/// exceptions its handlers are handling (for reraise).
struct frame {
  const std::string* label;  // the trace label of the task running this call
  int depth;                 // bodies nested on the C++ stack (inline awaits, eager spawns)
  std::map<std::string, value> locals;
  value ret;
  std::vector<std::exception_ptr> handling;
  std::exception_ptr raised;  // set when a body ends with flow::raised
};

/// An interpreter coroutine's outcome awaited without a throw: flow::next
/// with its value in `into`, flow::raised with its exception in the frame, or
/// flow::aborted for a run_abort.
template <class T>
flow settle(weft::outcome<T>&& o, frame& f, T& into) {
  if (std::exception_ptr e = o.exception()) {
    if (weft::detail::exception_is<run_abort>(e)) return flow::aborted;
    f.raised = std::move(e);
    return flow::raised;
  }
  into = std::move(o.value());
  return flow::next;
}

/// How a coroutine of the interpreter ends when the run is aborted.
weft::detail::raising aborting() { return {std::make_exception_ptr(run_abort{})}; }

class interpreter {
 public:
  interpreter(const program& prog, const run_options& opts) : prog_(prog), opts_(opts) {}

  execution run() {
    weft::virtual_clock clock;
    weft::event_loop loop({.clock = &clock, .scheduler = opts_.scheduler});
    loop_ = &loop;
    // "Task exception was never retrieved" and the like are not part of a trace.
    loop.set_exception_handler([](weft::event_loop&, const weft::exception_context&) {});
    auto main = loop.create_task(main_task());
    bool deadlock = false;
    try {
      loop.run_until_complete(main);
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
        result_.trace.push_back("= deadlock");
        result_.end = ending::deadlock;
      } else {
        result_.trace.push_back("= main " + render_main_end(main));
        for (const auto& t : spawned_) {
          try {
            const bool lost = t.exception_unretrieved();  // before rendering reads it
            const std::string line = t.get_name() + " " + render_task_state(t);
            if (lost) result_.unretrieved.push_back(line);
            result_.trace.push_back("= " + line);
          } catch (const unrenderable&) {
            throw bad_input(prog_.file, "", "task " + t.get_name() + "'s result is a primitive, which has no rendering");
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

 private:
  /// How main_task's body ended: its value, or the exception it raised.
  struct main_end {
    bool raised = false;
    value v;
  };

  std::string render_main_end(weft::task<main_end>& main) {
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
    }
  }

  // The spec's main_task (scenario-format.md, "The run").
  weft::coro<main_end> main_task() {
    weft::current_task().set_name("main");
    main_end out;
    frame top{&main_label_, 0, {}, {}, {}, {}};
    auto body = call(prog_.main, main_label_, 0);
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
  weft::future<void> all_done(const std::vector<weft::any_task>& tasks) {
    weft::future<void> all(*loop_);
    auto remaining = std::make_shared<std::size_t>(tasks.size());
    for (const auto& t : tasks)
      t.add_done_callback([all, remaining](const weft::any_future& f) {
        if (!f.cancelled()) (void)f.exception();
        if (--*remaining == 0 && !all.done()) all.set_result();
      });
    return all;
  }

  /// `c()` awaited: runs a body in the current task, whose trace label is `label`.
  weft::coro<value> call(const std::string& name, const std::string& label, int depth) {
    if (depth > max_call_depth) {
      end_at_step_limit();
      co_return aborting();
    }
    frame f{&label, depth, {}, {}, {}, {}};
    flow fl = co_await exec(prog_.coros.at(name), f);
    if (fl == flow::raised) co_return weft::detail::raising{std::move(f.raised)};  // the coroutine raises it
    if (fl == flow::aborted) co_return aborting();
    co_return end_call(fl, f);
  }

  /// A spawned task's coroutine: the same, owning its label.
  weft::coro<value> call_as(std::string name, std::string label, int depth) {
    if (depth > max_call_depth) {
      end_at_step_limit();
      co_return aborting();
    }
    frame f{&label, depth, {}, {}, {}, {}};
    flow fl = co_await exec(prog_.coros.at(name), f);
    if (fl == flow::raised) co_return weft::detail::raising{std::move(f.raised)};
    if (fl == flow::aborted) co_return aborting();
    co_return end_call(fl, f);
  }

  /// A call's value. A return that an exception interrupted (a raising
  /// finally, a handler catching it outside) returns nothing, as in Python.
  static value end_call(flow fl, frame& f) { return fl == flow::returned ? std::move(f.ret) : value{}; }

  /// The depth a new task's body starts at: on top of its creator's if it may
  /// start eagerly (inside create_task), else at 0.
  int task_depth(const frame& f, bool eager) const { return eager || eager_factory_ ? f.depth + 1 : 0; }

  /// Stops the loop; flow::aborted, for the body to stop with.
  flow stop_run() {
    loop_->stop();
    return flow::aborted;
  }

  [[noreturn]] void abort_run() {
    stop_run();
    throw run_abort{};
  }

  void freeze(std::string line, ending why) {
    if (result_.end != ending::completed) return;
    result_.trace.push_back(std::move(line));
    result_.end = why;
  }

  /// Ends the run as "= step limit", as a RecursionError ends it in CPython;
  /// returns flow::aborted, for the body to stop with (no throw: a C++ throw
  /// per ended run is a large part of exploring a failing scenario).
  flow end_at_step_limit() {
    freeze("= step limit", ending::step_limit);
    return stop_run();
  }

  /// Ends the run as "= assertion failed: WHAT"; returns flow::aborted.
  flow fail_assertion(const std::string& what) {
    if (result_.end == ending::completed) result_.assertion = what;
    freeze("= assertion failed: " + what, ending::assertion_failed);
    return stop_run();
  }

  [[noreturn]] void bad(const statement& s, const std::string& field, const std::string& problem) {
    if (!bad_) bad_ = bad_input(prog_.file, s.where + (field.empty() ? "" : "/" + field), problem);
    freeze("", ending::assertion_failed);
    abort_run();
  }

  void log(const frame& f, const std::string& text) {
    if (result_.end != ending::completed) return;
    trace_bytes_ += text.size();
    if (trace_bytes_ > opts_.max_trace_bytes) {
      if (!bad_)
        bad_ = bad_input(prog_.file, "", "the trace grew past " + std::to_string(opts_.max_trace_bytes) + " bytes");
      freeze("", ending::assertion_failed);
      abort_run();
    }
    auto now = loop_->time().time_since_epoch() / tick;
    result_.trace.push_back(std::to_string(now) + " " + *f.label + ": " + text);
  }

  value* lookup(frame& f, const std::string& name) {
    auto& scope = name[0] == '.' ? f.locals : globals_;
    auto it = scope.find(name);
    return it == scope.end() ? nullptr : &it->second;
  }
  value& read(frame& f, const statement& s, const std::string& field, const std::string& name) {
    if (value* v = lookup(f, name)) return *v;
    bad(s, field, "variable '" + name + "' is not set");
  }
  void assign(frame& f, const std::string& name, value v) {
    (name[0] == '.' ? f.locals : globals_)[name] = std::move(v);
  }
  weft::task<value> task_var(frame& f, const statement& s, const std::string& field, const std::string& name) {
    value& v = read(f, s, field, name);
    if (auto* t = std::get_if<weft::task<value>>(&v.v)) return *t;
    bad(s, field, "variable '" + name + "' does not hold a task");
  }
  value eval(frame& f, const statement& s, const std::string& field, const operand& o) {
    switch (o.k) {
      case operand::kind::null: return {};
      case operand::kind::boolean: return {o.b};
      case operand::kind::integer: return {o.i};
      case operand::kind::string: return {o.s};
      case operand::kind::variable: return read(f, s, field, o.s);
    }
    return {};
  }

  std::string format(frame& f, const statement& s) {
    std::string out;
    const std::string& m = s.msg;
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (m[i] != '{') {
        out += m[i];
        continue;
      }
      std::size_t close = m.find('}', i);
      out += show(s, "msg", read(f, s, "msg", m.substr(i + 1, close - i - 1)));
      i = close;
    }
    return out;
  }

  std::string show(const statement& s, const std::string& field, const value& v) {
    try {
      return render(v);
    } catch (const unrenderable&) {
      bad(s, field, "a primitive (event, lock, semaphore, queue, timeout or task group) has no rendering");
    }
  }
  std::string show_state(const statement& s, const weft::task<value>& t) {
    try {
      return render_task_state(t);
    } catch (const unrenderable&) {
      bad(s, "var", "the task's result is a primitive, which has no rendering");
    }
  }

  template <class P>
  P& prim(frame& f, const statement& s, const std::string& field, const std::string& name, const char* what) {
    value& v = read(f, s, field, name);
    if (auto* p = std::get_if<primitive_ptr>(&v.v))
      if (auto* x = std::get_if<P>(&(*p)->p)) return *x;
    bad(s, field, "variable '" + name + "' does not hold " + what);
  }
  weft::timeout_scope& scope_var(frame& f, const statement& s) {
    return *prim<std::unique_ptr<weft::timeout_scope>>(f, s, "cm", s.cm, "a timeout");
  }

  /// An awaitable argument of gather or shield: a task, or a coroutine the
  /// combinator wraps in a new task (labelled "~name").
  struct gather_arg {
    using value_type = value;
    interpreter* self;
    std::variant<weft::task<value>, std::string> what;
    int depth;
    weft::any_future ensure_future() && {
      if (auto* t = std::get_if<weft::task<value>>(&what)) return *t;
      const std::string& name = std::get<std::string>(what);
      return weft::create_task(self->call_as(name, "~" + name, depth));
    }
  };
  gather_arg arg(frame& f, const statement& s, const std::string& field, const awaitable_ref& a) {
    if (a.is_task) return {this, task_var(f, s, field + "/task", a.name), 0};
    return {this, a.name, task_depth(f, false)};
  }

  /// A delay in ticks as a duration, once it is known not to carry the clock
  /// past weft's limit.
  weft::duration delay(const statement& s, const char* field, std::int64_t ticks) {
    std::int64_t now = loop_->time().time_since_epoch() / tick;
    if (ticks > 0 && now > clock_limit - ticks)
      bad(s, field, "the virtual clock would pass " + std::to_string(clock_limit) +
                        " ticks, weft's limit (its clock is 64-bit nanoseconds)");
    return ticks * tick;
  }
  static constexpr std::int64_t clock_limit = std::numeric_limits<std::int64_t>::max() / 1000 / 2;

  std::optional<weft::time_point> deadline(const statement& s, const char* field,
                                           const std::optional<std::int64_t>& ticks, bool relative) {
    if (!ticks) return std::nullopt;
    if (relative) return loop_->time() + delay(s, field, *ticks);
    if (*ticks > clock_limit) bad(s, field, "a deadline past weft's clock limit");
    weft::time_point base = relative ? loop_->time() : weft::time_point{};
    return base + *ticks * tick;
  }

  weft::semaphore* semaphore_var(frame& f, const statement& s) {
    value& v = read(f, s, "var", s.var);
    if (auto* p = std::get_if<primitive_ptr>(&v.v)) {
      if (auto* x = std::get_if<weft::semaphore>(&(*p)->p)) return x;
      if (auto* x = std::get_if<weft::bounded_semaphore>(&(*p)->p)) return x;
    }
    return nullptr;
  }

  /// Counts a statement about to run: flow::aborted if the run has ended.
  flow count_step(const statement& s) {
    if (result_.end != ending::completed) return stop_run();
    // Where this task is: the simulator names decisions by it.
    if (weft::detail::task_base* t = loop_->current_task_ptr()) t->set_site(s.where);
    if (++steps_ > opts_.max_steps) return end_at_step_limit();
    return flow::next;
  }

  weft::coro<flow> exec(const body& b, frame& f) {
    for (const statement& s : b) {
      if (count_step(s) == flow::aborted) co_return flow::aborted;
      // A statement that raises ends the body with flow::raised; the caller
      // (a try, a call, a scope) decides what becomes of the exception.
      std::exception_ptr raised;
      bool aborted = false;
      try {
      switch (s.kind) {
        case op::log:
          log(f, format(f, s));
          break;
        case op::sleep: {
          auto nap = weft::sleep(delay(s, "d", *s.ticks));
          raised = co_await weft::detail::caught_resume<decltype(nap)>{nap};  // a cancellation, without a throw
          break;
        }
        case op::spawn: {
          std::string name = s.name ? *s.name : s.var;
          // Creation order is the order spawns begin: an eager task spawning
          // another in its first step was created first.
          std::size_t slot = spawned_.size();
          spawned_.emplace_back();
          weft::task<value> t;
          try {
            auto body = call_as(s.coro, name, task_depth(f, s.eager));
            t = s.group.empty() ? weft::create_task(std::move(body), {.name = name, .eager_start = s.eager})
                                : prim<weft::task_group>(f, s, "group", s.group, "a task group")
                                      .create_task(std::move(body), name);
          } catch (...) {
            spawned_.erase(spawned_.begin() + static_cast<std::ptrdiff_t>(slot));  // TaskGroup refused it
            throw;
          }
          spawned_[slot] = t;
          assign(f, s.var, value{t});
          break;
        }
        case op::await_: {
          value v;
          if (s.aw.is_task) {
            v = co_await task_var(f, s, "aw/task", s.aw.name);
          } else {
            auto body = call(s.aw.name, *f.label, f.depth + 1);
            if (const flow r = settle(co_await body.caught(), f, v); r != flow::next) co_return r;
          }
          if (!s.into.empty()) assign(f, s.into, std::move(v));
          break;
        }
        case op::cancel: {
          bool r = false;
          bool recursed = false;
          try {
            r = task_var(f, s, "var", s.var).cancel(s.cancel_msg);
          } catch (const weft::recursion_error&) {
            recursed = true;  // as the oracle ends a RecursionError
          }
          if (recursed) co_return end_at_step_limit();
          if (!s.into.empty()) assign(f, s.into, value{r});
          break;
        }
        case op::state: {
          auto t = task_var(f, s, "var", s.var);
          log(f, "state " + t.get_name() + " " + show_state(s, t));
          break;
        }
        case op::return_:
          f.ret = s.value ? eval(f, s, "value", *s.value) : value{};
          co_return flow::returned;
        case op::raise:
          raised = std::make_exception_ptr(user_error(s.exc, s.msg));
          break;
        case op::reraise:
          raised = f.handling.back();
          break;
        case op::try_: {
          const flow fl = co_await exec_try(s, f);
          if (fl != flow::next) co_return fl;
          break;
        }
        case op::uncancel: {
          int n = weft::current_task().uncancel();
          if (!s.into.empty()) assign(f, s.into, value{std::int64_t{n}});
          break;
        }
        case op::cancelling:
          log(f, "cancelling " + std::to_string(weft::current_task().cancelling()));
          break;
        case op::eager_factory:
          loop_->set_task_factory(s.on ? weft::task_factory(weft::eager_task_factory) : weft::task_factory());
          eager_factory_ = s.on;
          break;
        case op::set:
          assign(f, s.var, eval(f, s, "value", *s.value));
          break;
        case op::add:
          assign(f, s.var, add(f, s));
          break;
        case op::assert_: {
          value* got = lookup(f, s.var);
          value want = eval(f, s, "eq", *s.value);
          value none;
          if (!equal(got ? *got : none, want)) {
            // Rendered var first: where both are primitives, the error names "var".
            const std::string was = show(s, "var", got ? *got : none);
            co_return fail_assertion(s.var + " == " + show(s, "eq", want) + " (was " + was + ")");
          }
          break;
        }
        case op::gather: {
          std::vector<gather_arg> args;
          for (std::size_t i = 0; i < s.items.size(); ++i)
            args.push_back(arg(f, s, "items/" + std::to_string(i), s.items[i]));
          auto items = std::make_shared<value_list>();
          if (s.return_exceptions) {
            auto outcomes = co_await weft::gather(weft::return_exceptions, std::move(args));
            for (auto& o : outcomes) items->items.push_back(o.has_value() ? std::move(o.value()) : value{o.exception()});
          } else {
            auto results = co_await weft::gather(std::move(args));
            for (auto& r : results) items->items.push_back(std::move(r));
          }
          for (const value& v : items->items)
            if (auto* l = std::get_if<list_ptr>(&v.v)) items->depth = std::max(items->depth, (*l)->depth + 1);
          if (items->depth > max_list_depth)
            bad(s, "items", "lists nested more than " + std::to_string(max_list_depth) + " deep");
          if (!s.into.empty()) assign(f, s.into, value{list_ptr(std::move(items))});
          break;
        }
        case op::wait: {
          std::vector<weft::task<value>> tasks;
          for (std::size_t i = 0; i < s.items.size(); ++i)
            tasks.push_back(task_var(f, s, "items/" + std::to_string(i) + "/task", s.items[i].name));
          weft::return_when when = s.return_when == "FIRST_COMPLETED"   ? weft::return_when::first_completed
                                   : s.return_when == "FIRST_EXCEPTION" ? weft::return_when::first_exception
                                                                        : weft::return_when::all_completed;
          std::optional<weft::duration> timeout;
          if (s.ticks) timeout = delay(s, "timeout", *s.ticks);
          auto r = co_await weft::wait(std::move(tasks), {.timeout = timeout, .when = when});
          auto pair = std::make_shared<value_list>();
          pair->items.push_back(value{task_set{std::move(r.done)}});
          pair->items.push_back(value{task_set{std::move(r.pending)}});
          if (!s.into.empty()) assign(f, s.into, value{list_ptr(std::move(pair))});
          break;
        }
        case op::wait_for: {
          std::optional<weft::duration> timeout;
          if (s.ticks) timeout = delay(s, "timeout", *s.ticks);
          value v;
          if (s.aw.is_task)
            v = co_await weft::wait_for(task_var(f, s, "aw/task", s.aw.name), timeout);
          else if (timeout && *timeout <= weft::duration::zero())
            v = co_await weft::wait_for(call_as(s.aw.name, "~" + s.aw.name, task_depth(f, false)), timeout);  // a task
          else
            v = co_await weft::wait_for(call(s.aw.name, *f.label, f.depth + 1), timeout);  // runs in this task
          if (!s.into.empty()) assign(f, s.into, std::move(v));
          break;
        }
        case op::shield: {
          value v = co_await weft::shield(arg(f, s, "aw", s.aw));
          if (!s.into.empty()) assign(f, s.into, std::move(v));
          break;
        }
        case op::timeout:
        case op::timeout_at: {
          auto holder = primitive::make<std::unique_ptr<weft::timeout_scope>>(
              std::make_unique<weft::timeout_scope>(deadline(s, s.ticks_relative ? "d" : "when", s.ticks, s.ticks_relative)));
          weft::timeout_scope& scope = *std::get<std::unique_ptr<weft::timeout_scope>>(holder->p);
          if (!s.as.empty()) assign(f, s.as, value{holder});
          auto run = scope.run([&]() { return exec_raising(s.stmts, f); });
          flow fl = flow::next;
          if (const flow r = settle(co_await run.caught(), f, fl); r != flow::next) co_return r;
          if (fl == flow::returned) co_return flow::returned;
          break;
        }
        case op::reschedule:
          scope_var(f, s).reschedule(deadline(s, s.ticks_relative ? "d" : "when", s.ticks, s.ticks_relative));
          break;
        case op::expired:
          log(f, std::string("expired ") + (scope_var(f, s).expired() ? "True" : "False"));
          break;
        case op::taskgroup: {
          auto holder = primitive::make<weft::task_group>();
          weft::task_group& tg = std::get<weft::task_group>(holder->p);
          assign(f, s.as, value{holder});
          auto run = tg.run([&]() { return exec_raising(s.stmts, f); });
          flow fl = flow::next;
          if (const flow r = settle(co_await run.caught(), f, fl); r != flow::next) co_return r;
          if (fl == flow::returned) co_return flow::returned;
          break;
        }
        case op::event:
          assign(f, s.var, value{primitive::make<weft::event>()});
          break;
        case op::event_set:
          prim<weft::event>(f, s, "var", s.var, "an event").set();
          break;
        case op::event_clear:
          prim<weft::event>(f, s, "var", s.var, "an event").clear();
          break;
        case op::event_wait:
          co_await prim<weft::event>(f, s, "var", s.var, "an event").wait();
          break;
        case op::lock:
          assign(f, s.var, value{primitive::make<weft::lock>()});
          break;
        case op::semaphore:  // Semaphore(-1) raises ValueError in the task, as in asyncio
          if (s.bounded)
            assign(f, s.var, value{primitive::make<weft::bounded_semaphore>(s.count)});
          else
            assign(f, s.var, value{primitive::make<weft::semaphore>(s.count)});
          break;
        case op::acquire:
          if (weft::semaphore* sem = semaphore_var(f, s))
            co_await sem->acquire();
          else
            co_await prim<weft::lock>(f, s, "var", s.var, "a lock or semaphore").acquire();
          break;
        case op::release:
          if (weft::semaphore* sem = semaphore_var(f, s))
            sem->release();
          else
            prim<weft::lock>(f, s, "var", s.var, "a lock or semaphore").release();
          break;
        case op::locked: {
          weft::semaphore* sem = semaphore_var(f, s);
          bool l = sem ? sem->locked() : prim<weft::lock>(f, s, "var", s.var, "a lock or semaphore").locked();
          log(f, std::string("locked ") + (l ? "True" : "False"));
          break;
        }
        case op::queue: {
          primitive_ptr q;
          if (s.queue_kind == "lifo")
            q = primitive::make<value_queue>(std::in_place_type<weft::lifo_queue<value>>, s.count);
          else if (s.queue_kind == "priority")
            q = primitive::make<value_queue>(std::in_place_type<weft::priority_queue<value, value_less>>, s.count);
          else
            q = primitive::make<value_queue>(std::in_place_type<weft::queue<value>>, s.count);
          assign(f, s.var, value{std::move(q)});
          break;
        }
        case op::put: {
          value item = eval(f, s, "value", *s.value);
          auto& q = prim<value_queue>(f, s, "var", s.var, "a queue");
          try {
            if (s.nowait)
              std::visit([&](auto& qq) { qq.put_nowait(std::move(item)); }, q);
            else
              co_await std::visit([&](auto& qq) { return qq.put(std::move(item)); }, q);
          } catch (const incomparable& e) {
            bad(s, "value", e.what);
          }
          break;
        }
        case op::get: {
          auto& q = prim<value_queue>(f, s, "var", s.var, "a queue");
          value v;
          try {
            if (s.nowait)
              v = std::visit([&](auto& qq) { return qq.get_nowait(); }, q);
            else
              v = co_await std::visit([&](auto& qq) { return qq.get(); }, q);
          } catch (const incomparable& e) {
            bad(s, "var", e.what);
          }
          if (!s.into.empty()) assign(f, s.into, std::move(v));
          break;
        }
        case op::task_done:
          std::visit([&](auto& qq) { qq.task_done(); }, prim<value_queue>(f, s, "var", s.var, "a queue"));
          break;
        case op::join:
          co_await std::visit([&](auto& qq) { return qq.join(); }, prim<value_queue>(f, s, "var", s.var, "a queue"));
          break;
      }
      } catch (const run_abort&) {
        aborted = true;
      } catch (...) {
        raised = std::current_exception();
      }
      if (aborted) co_return flow::aborted;
      if (raised) {
        f.raised = std::move(raised);
        co_return flow::raised;
      }
    }
    co_return flow::next;
  }

  value add(frame& f, const statement& s) {
    value& cur = read(f, s, "var", s.var);
    value rhs = eval(f, s, "value", *s.value);
    if (auto a = as_int(cur), b = as_int(rhs); a && b) {
      std::int64_t sum = *a + *b;
      if (sum < -(std::int64_t{1} << 31) || sum >= (std::int64_t{1} << 31))
        bad(s, "value", "the sum " + std::to_string(sum) + " is out of range [-2^31, 2^31)");
      return {sum};
    }
    auto* x = std::get_if<std::string>(&cur.v);
    auto* y = std::get_if<std::string>(&rhs.v);
    if (x && y) {
      if (x->size() + y->size() > limits{}.max_string_bytes * 16)
        bad(s, "value", "the string grew beyond " + std::to_string(limits{}.max_string_bytes * 16) + " bytes");
      return {*x + *y};
    }
    bad(s, "value", std::string("add needs two integers or two strings, not ") + type_name(cur) + " and " + type_name(rhs));
  }

  /// A body run where weft must see its exception raised: a timeout's or a
  /// TaskGroup's body.
  weft::coro<flow> exec_raising(const body& b, frame& f) {
    flow fl = co_await exec(b, f);
    if (fl == flow::raised) std::rethrow_exception(std::move(f.raised));
    if (fl == flow::aborted) throw run_abort{};  // the scope unwinds as before
    co_return fl;
  }

  /// Runs a body; its exception, if it raised one, goes to `raised`.
  weft::coro<flow> exec_catching(const body& b, frame& f, std::exception_ptr& raised) {
    flow fl = co_await exec(b, f);
    if (fl == flow::raised) {
      raised = std::move(f.raised);
      fl = flow::next;
    }
    co_return fl;
  }

  weft::coro<flow> exec_try(const statement& s, frame& f) {
    std::exception_ptr pending;
    flow result = co_await exec_catching(s.stmts, f, pending);
    if (result == flow::aborted) co_return flow::aborted;  // no handler, no finally
    if (pending) {
      for (const handler& h : s.handlers) {
        if (!matches(h.exc, pending)) continue;
        if (h.as) assign(f, *h.as, value{pending});
        f.handling.push_back(pending);
        std::exception_ptr from_handler;
        result = co_await exec_catching(h.stmts, f, from_handler);
        f.handling.pop_back();
        if (result == flow::aborted) co_return flow::aborted;
        pending = from_handler;
        break;
      }
    }
    if (s.has_finally) {
      // While an exception unwinds, it is the one a bare raise in finally re-raises.
      if (pending) f.handling.push_back(pending);
      std::exception_ptr from_finally;
      flow ffl = co_await exec_catching(s.finally_stmts, f, from_finally);
      if (pending) f.handling.pop_back();
      if (ffl == flow::aborted) co_return flow::aborted;
      if (from_finally) pending = from_finally;
      // A return in finally wins over both a return and an exception.
      else if (ffl == flow::returned) co_return flow::returned;
    }
    if (pending) {
      f.raised = std::move(pending);
      co_return flow::raised;
    }
    co_return result;
  }

  const program& prog_;
  run_options opts_;
  weft::event_loop* loop_ = nullptr;
  execution result_;
  std::optional<bad_input> bad_;
  std::uint64_t steps_ = 0;
  std::map<std::string, value> globals_;
  std::vector<weft::task<value>> spawned_;
  const std::string main_label_ = "main";
  bool eager_factory_ = false;
  std::size_t trace_bytes_ = 0;
};

}  // namespace
}  // namespace impl

execution run(const program& prog, const run_options& opts) { return impl::interpreter(prog, opts).run(); }

}  // namespace weft::scenario
