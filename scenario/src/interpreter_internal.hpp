#pragma once
/// What the interpreter core (interpreter.cpp) and the op handlers
/// (ops/*.hpp) share: frames, how a statement ends, the interpreter's state,
/// and the context a handler runs in.

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <weft/weft.hpp>

#include "values.hpp"
#include "weft/scenario/interpreter.hpp"
#include "weft/scenario/parse.hpp"

namespace weft::scenario::impl {

/// Unwinds a run that ended early (failed assert, step limit, run-time bad
/// input). Derives from nothing, so no scenario handler can catch it.
struct run_abort {};

/// How a body ended: it ran to its end, it returned, it raised (the exception
/// is in frame::raised), or the run was aborted (an assert failed, a limit was
/// hit: nothing runs on). Exceptions and aborts travel up the interpreter's own
/// coroutines as values: a C++ throw and catch per coroutine level is what made
/// exploring exception-heavy scenarios slow.
enum class flow { next, returned, raised, aborted };

/// Variables by the slot parse() gave them (name_ref::index); an unset one
/// holds nothing.
using variables = std::vector<std::optional<value>>;

/// One call of a coroutine body: its `.` locals, its return value and the
/// exceptions its handlers are handling (for reraise).
struct frame {
  const std::string* label;  // the trace label of the task running this call
  int depth;                 // bodies nested on the C++ stack (inline awaits, eager spawns)
  variables locals;
  value ret;
  std::vector<std::exception_ptr> handling;
  std::exception_ptr raised;  // set when a body ends with flow::raised
};

/// What a handler leaves to exec. A handler that does not suspend returns how
/// its statement ended; one that does returns what to await, which exec
/// awaits in its own coroutine frame: a sleep, a task or an inline call (the
/// commonest awaits, with no frame of their own), or the handler's coroutine.
struct nap {
  weft::duration d;
};
struct await_task {
  weft::task<value> task;
  const name_ref* into;  // empty for none
};
struct await_call {
  weft::coro<value> call;
  const name_ref* into;  // empty for none
};
using step = std::variant<flow, nap, await_task, await_call, weft::coro<flow>>;

class interpreter {
 public:
  interpreter(const program& prog, const run_options& opts) : prog_(prog), opts_(opts) {}

  /// Runs the program (scenario-format.md, "The run").
  execution run();

  // ---- for the handlers ----

  /// The running loop.
  weft::event_loop& loop() { return *loop_; }
  /// The tasks spawn created, in creation order.
  std::vector<weft::task<value>>& spawned() { return spawned_; }
  /// eager_factory: the loop's task factory on or off.
  void set_eager_factory(bool on);

  /// Runs coroutine `coro`'s body as `c()` does, in the task labelled `label`
  /// (the caller's, for an inline await; a spawned task's name in the
  /// program), or, without one, in a task a combinator wraps it in (its
  /// "~name" label, coroutine::wrapped).
  weft::coro<value> call(const name_ref& coro, const std::string* label, int depth);
  /// The depth a new task's body starts at: on top of its creator's if it may
  /// start eagerly (inside create_task), else at 0.
  int task_depth(const frame& f, bool eager) const { return eager || eager_factory_ ? f.depth + 1 : 0; }

  /// Runs a body's statements in frame `f` (a try's, a scope's, a
  /// handler's: in the frame of the call they are in).
  weft::coro<flow> exec(const body& b, frame& f);
  /// A body run where weft must see its exception raised: a timeout's or a
  /// TaskGroup's body.
  weft::coro<flow> exec_raising(const body& b, frame& f);

  /// Ends the run as "= step limit", as a RecursionError ends it in CPython;
  /// returns flow::aborted, for the body to stop with (no throw: a C++ throw
  /// per ended run is a large part of exploring a failing scenario).
  flow end_at_step_limit();
  /// Ends the run as "= assertion failed: WHAT"; returns flow::aborted.
  flow fail_assertion(const std::string& what);
  /// Ends the run as bad input "limit reached: WHAT" (a documented limit of
  /// time or memory); returns flow::aborted.
  flow limit_reached(const std::string& what);
  /// Counts `bytes` of string built by `add` against max_text_bytes.
  void charge_text(std::size_t bytes);
  /// Ends the run as bad input at statement `s`'s field `field`.
  [[noreturn]] void bad(const statement& s, std::string_view field, const std::string& problem);

  /// Adds a line to the trace: the time, the task's label, `text`.
  void log(const frame& f, const std::string& text);

  /// The variable `var` (a local if its name starts with "."), or null if unset.
  value* lookup(frame& f, const name_ref& var) {
    const bool local = var.local();
    if (!local && observer_) note_access(var.name, false, false);
    auto& scope = local ? f.locals : globals_;
    if (var.index >= scope.size() || !scope[var.index]) return nullptr;
    return &*scope[var.index];
  }
  /// Sets the variable `var`.
  void assign(frame& f, const name_ref& var, value v) {
    const bool local = var.local();
    if (!local && observer_) note_access(var.name, true, false);
    auto& scope = local ? f.locals : globals_;
    if (var.index >= scope.size()) scope.resize(var.index + 1);  // call() sizes a frame: only one made elsewhere grows
    scope[var.index] = std::move(v);
  }
  /// Notes, for a simulator's interleaving coverage (scheduler::on_access),
  /// an access by the running task at its statement: to global variable
  /// `name`, or (`primitive`) to the primitive it holds.
  void note_access(std::string_view name, bool write, bool primitive) {
    if (observer_) observe(name, write, primitive);
  }
  /// Notes that the running task found the primitive in variable `name`
  /// unable to serve it at once (a get_nowait on an empty queue, a
  /// put_nowait on a full one): a read of a state no write made, so that
  /// the coverage strategy tells a refusal at this statement from a success.
  /// Refusals of one primitive are a read and a write of a state of their
  /// own, so that each reads from the one before (a third miss after two).
  void note_refusal(const std::string& name) {
    if (!observer_) return;
    const std::string refused = name + "\x01refused";
    observe(refused, false, true);
    observe(refused, true, true);
  }

 private:
  /// How main_task's body ended: its value, or the exception it raised.
  struct main_end {
    bool raised = false;
    value v;
  };

  weft::coro<main_end> main_task();
  std::string render_main_end(weft::task<main_end>& main);
  weft::future<void> all_done(const std::vector<weft::any_task>& tasks);
  flow count_step(const statement& s);
  /// A call's place among the live ones (live_calls_), from its start to its end.
  struct live_call {
    std::size_t* count = nullptr;
    ~live_call() {
      if (count) --*count;
    }
  };
  /// Starts a call `depth` deep, counting it in `live`: flow::aborted if it
  /// passes the depth or the live-call limit.
  flow enter_call(int depth, live_call& live);
  /// The statement loop, for a call's body (Call: in a frame of its own, made
  /// here; the coroutine's value is the call's) or another body's (in
  /// `*outer`; the value is how the body ended). One coroutine for a call and
  /// its body, not two.
  template <bool Call>
  weft::coro<std::conditional_t<Call, value, flow>> run_body(const body& b, frame* outer, const std::string* label,
                                                              int depth, std::uint32_t locals);
  void observe(std::string_view name, bool write, bool primitive);
  flow stop_run();
  [[noreturn]] void abort_run();
  void freeze(std::string line, ending why);
  /// Appends a line to the trace and shows it to run_options::on_line.
  void append(std::string line);

  const program& prog_;
  run_options opts_;
  weft::event_loop* loop_ = nullptr;
  execution result_;
  std::optional<bad_input> bad_;
  std::uint64_t steps_ = 0;
  variables globals_;
  std::vector<weft::task<value>> spawned_;
  const std::string main_label_ = "main";
  bool eager_factory_ = false;
  std::size_t trace_bytes_ = 0;
  std::size_t live_calls_ = 0;
  std::size_t text_bytes_ = 0;
  weft::scheduler* observer_ = nullptr;  // the scheduler, if it observes accesses
};

/// One statement being run, as its handler sees it: the interpreter, the
/// frame of the call it is in, and the statement (whose place names errors).
struct context {
  interpreter& in;
  frame& f;
  const statement& s;

  /// Ends the run as bad input at this statement's field `field`.
  [[noreturn]] void bad(std::string_view field, const std::string& problem) const { in.bad(s, field, problem); }
  /// Adds a line to the trace, labelled with this call's task.
  void log(const std::string& text) const { in.log(f, text); }
  /// Bad input: "variable 'NAME' PROBLEM" (out of line: the callers are hot).
  [[noreturn]] void bad_variable(std::string_view field, const std::string& name, const std::string& problem) const;

  /// The variable `var`, which field `field` names; bad input if unset.
  value& read(std::string_view field, const name_ref& var) const {
    if (value* v = in.lookup(f, var)) return *v;
    bad_variable(field, var.name, "is not set");
  }
  /// Sets the variable `var`.
  void assign(const name_ref& var, value v) const { in.assign(f, var, std::move(v)); }
  /// Notes a release, set or put (`write`), or an acquire, wait or get that
  /// returned, of the primitive in variable `var` (interpreter::note_access).
  void note_primitive(const name_ref& var, bool write) const { in.note_access(var.name, write, true); }
  /// Notes a nowait operation the primitive in `var` refused (interpreter::note_refusal).
  void note_refusal(const name_ref& var) const { in.note_refusal(var.name); }
  /// Raises `e` from a handler that does not suspend: as a value in the
  /// frame, for exec to take, not as a C++ throw.
  flow raise(std::exception_ptr e) const {
    f.raised = std::move(e);
    return flow::raised;
  }
  /// Stores `v` in variable `into`, unless `into` is empty (no such field).
  void store(const name_ref& into, value v) const {
    if (!into.empty()) in.assign(f, into, std::move(v));
  }
  /// The operand's value (a variable's read as `read` does).
  value eval(std::string_view field, const operand& o) const {
    switch (o.k) {
      case operand::kind::null: return {};
      case operand::kind::boolean: return {o.b};
      case operand::kind::integer: return {o.i};
      case operand::kind::string: return {o.shared ? o.shared : make_text(o.s)};
      case operand::kind::variable: return read(field, o.var);
    }
    return {};
  }
  /// The task in variable `var`; bad input if it holds something else.
  weft::task<value> task_var(std::string_view field, const name_ref& var) const {
    value& v = read(field, var);
    if (auto* t = std::get_if<weft::task<value>>(&v.v)) return *t;
    bad_variable(field, var.name, "does not hold a task");
  }
  /// The primitive of type P in variable `var`; bad input if it holds
  /// something else (`what` says what it must hold).
  template <class P>
  P& prim(std::string_view field, const name_ref& var, const char* what) const {
    value& v = read(field, var);
    if (auto* p = std::get_if<primitive_ptr>(&v.v))
      if (auto* x = std::get_if<P>(&(*p)->p)) return *x;
    bad_variable(field, var.name, std::string("does not hold ") + what);
  }
  /// The value rendered; bad input for a primitive.
  std::string show(std::string_view field, const value& v) const;
  /// A delay in ticks as a duration, once it is known not to carry the clock
  /// past weft's limit.
  weft::duration delay(std::string_view field, std::int64_t ticks) const;
  /// A timeout's deadline: `ticks` from now (`relative`) or at tick `ticks`; none for null.
  std::optional<weft::time_point> deadline(std::string_view field, const std::optional<std::int64_t>& ticks,
                                           bool relative) const;
};

/// An interpreter coroutine's outcome awaited without a throw: flow::next
/// with its value in `into`, flow::raised with its exception in the frame, or
/// flow::aborted for a run_abort.
template <class T>
flow settle(weft::outcome<T>&& o, frame& f, T& into) {
  if (std::exception_ptr e = o.exception()) {
    if (weft::exception_is<run_abort>(e)) return flow::aborted;
    f.raised = std::move(e);
    return flow::raised;
  }
  into = std::move(o.value());
  return flow::next;
}

/// `async with scope: BODY` for a timeout or a task group (which `holder`
/// keeps alive): the body's flow, or how the scope ended it.
template <class Scope>
weft::coro<flow> run_in(Scope& scope, [[maybe_unused]] primitive_ptr holder, const body& b, context c) {
  auto run = scope.run([&]() { return c.in.exec_raising(b, c.f); });
  flow fl = flow::next;
  if (const flow r = settle(co_await run.caught(), c.f, fl); r != flow::next) co_return r;
  co_return fl;
}

}  // namespace weft::scenario::impl
