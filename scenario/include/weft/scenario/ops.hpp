#pragma once
/// The statement kinds of a scenario (docs/scenario-format.md), one
/// type each, and what their fields hold. program.hpp puts them in statements.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace weft::scenario {

/// A variable or a coroutine a statement names, and the number parse() gave
/// it so that a run finds it without looking its name up: a global
/// variable's slot among the program's globals, a local's (".x") among the
/// locals of the coroutine whose body names it, a coroutine's index in
/// program::coros.
struct name_ref {
  std::string name;  // "" for an optional field left out
  std::uint32_t index = 0;
  bool empty() const noexcept { return name.empty(); }
  bool local() const noexcept { return name[0] == '.'; }
};

/// A literal or a variable reference ("$x") in a `value` or `eq` field.
struct operand {
  enum class kind : std::uint8_t { null, boolean, integer, string, variable };
  kind k = kind::null;
  bool b = false;
  std::int64_t i = 0;
  std::string s;  // the string
  name_ref var;   // the variable
  /// kind::string: `s` as the immutable string a run's values share, made
  /// once by parse() so that evaluating the literal copies nothing (null in
  /// an operand built by hand: a run then copies `s`).
  std::shared_ptr<const std::string> shared;
};

/// An awaitable: {"task": VAR} or {"coro": NAME}.
struct awaitable_ref {
  bool is_task = true;
  name_ref ref;  // the variable, or the coroutine
};

struct statement;
/// A list of statements: a coroutine's, or a try's, timeout's or taskgroup's.
using body = std::vector<statement>;

/// One `except` clause of a try.
struct handler {
  std::string exc;                // a kind name
  std::optional<name_ref> as;     // variable bound to the exception
  body stmts;
};

/// The JSON fields an op takes besides "op" (empty names are unused slots).
struct op_fields {
  std::array<std::string_view, 2> required{};
  std::array<std::string_view, 3> optional{};
};

/// A string literal as a template argument.
template <std::size_t N>
struct literal {
  char chars[N];
  constexpr literal(const char (&s)[N]) {  // implicit: named<"log">
    for (std::size_t i = 0; i < N; ++i) chars[i] = s[i];
  }
};

/// Gives an op type its name in a scenario.
template <literal Name>
struct named {
  static constexpr std::string_view name{Name.chars, sizeof(Name.chars) - 1};
};

/// Every statement kind of the spec (version 1), one type each: its name in a
/// scenario, its fields, and read(), which takes them from a statement through
/// the parser's field reader `r` (parse.cpp). The interpreter runs each with
/// its handler, execute(const ops::NAME&, ...) in scenario/src/ops/ (the file
/// named in each group below). A new op is a type here, its place in `op` at
/// the end, and its handler.
namespace ops {

/// An op whose one field names a variable.
struct var_op {
  static constexpr op_fields fields{.required = {"var"}};
  name_ref var;
  template <class R> void read(R& r) { var = r.variable("var"); }
};

/// An op that stores an operand in a variable.
struct assign_op {
  static constexpr op_fields fields{.required = {"var", "value"}};
  name_ref var;
  operand value;
  template <class R> void read(R& r) { var = r.variable("var"); value = r.value("value"); }
};

/// An op that awaits an awaitable and may store its result.
struct awaiting_op {
  static constexpr op_fields fields{.required = {"aw"}, .optional = {"into"}};
  awaitable_ref aw;
  name_ref into;  // "" for none
  template <class R> void read(R& r) {
    aw = r.awaitable("aw");
    if (r.has("into")) into = r.variable("into");
  }
};

// ---- plain statements (ops/statements.hpp) ----

/// A trace line; "{var}" renders a variable.
struct log : named<"log"> {
  static constexpr op_fields fields{.required = {"msg"}};
  std::string msg;             // with "{var}" placeholders
  std::vector<name_ref> vars;  // the placeholders' variables, in order
  template <class R> void read(R& r) { msg = r.log_message("msg", vars); }
};

/// var = value.
struct set : assign_op, named<"set"> {};
/// var += value (two ints or two strings).
struct add : assign_op, named<"add"> {};

/// The run fails unless var == eq.
struct assert_ : named<"assert"> {
  static constexpr op_fields fields{.required = {"var", "eq"}};
  name_ref var;
  operand eq;
  template <class R> void read(R& r) {
    var = r.variable("var");
    eq = r.value("eq");
  }
};

/// return [value].
struct return_ : named<"return"> {
  static constexpr op_fields fields{.optional = {"value"}};
  std::optional<operand> value;  // none: return None
  template <class R> void read(R& r) { if (r.has("value")) value = r.value("value"); }
};

/// raise Kind(msg), Kind a user exception class.
struct raise : named<"raise"> {
  static constexpr op_fields fields{.required = {"exc"}, .optional = {"msg"}};
  std::string exc, msg;
  template <class R> void read(R& r) {
    exc = r.exception_kind("exc", true);
    if (r.has("msg")) msg = r.string("msg");
  }
};

/// A bare raise, in an except or finally block.
struct reraise : named<"reraise"> {
  static constexpr op_fields fields{};
  template <class R> void read(R& r) { if (!r.in_handler()) r.fail("reraise outside an exception handler"); }
};

/// try / except / finally.
struct try_ : named<"try"> {
  static constexpr op_fields fields{.required = {"body"}, .optional = {"handlers", "finally"}};
  body stmts;
  std::vector<handler> handlers;
  std::optional<body> finally;
  template <class R> void read(R& r) {
    stmts = r.body("body");
    if (r.has("handlers")) handlers = r.handlers("handlers");
    if (r.has("finally")) finally = r.body("finally");
  }
};

/// await asyncio.sleep(d).
struct sleep : named<"sleep"> {
  static constexpr op_fields fields{.required = {"d"}};
  std::int64_t d = 0;
  template <class R> void read(R& r) { d = *r.ticks("d", false); }
};

// ---- tasks (ops/task.hpp) ----

/// var = asyncio.create_task(coro(), name=...), or group.create_task(...).
struct spawn : named<"spawn"> {
  static constexpr op_fields fields{.required = {"var", "coro"}, .optional = {"name", "group", "eager"}};
  name_ref var, coro;
  std::optional<std::string> task_name;  // the task's name if not the variable's
  name_ref group;
  bool eager = false;
  template <class R> void read(R& r) {
    var = r.variable("var");
    coro = r.coro_name("coro");
    if (r.has("name"))
      task_name = r.task_name("name");
    else
      r.check_task_name(var.name, "var");
    if (r.has("group")) group = r.variable("group");
    if (r.has("eager")) eager = r.boolean("eager");
    if (r.has("group") && r.has("eager"))
      r.fail("'group' and 'eager' together: TaskGroup.create_task has no eager_start in 3.13");
  }
};

/// [into =] await task, or await coro().
struct await_ : awaiting_op, named<"await"> {};

/// [into =] task.cancel(msg).
struct cancel : named<"cancel"> {
  static constexpr op_fields fields{.required = {"var"}, .optional = {"msg", "into"}};
  name_ref var;
  std::optional<std::string> msg;
  name_ref into;
  template <class R> void read(R& r) {
    var = r.variable("var");
    if (r.has("msg") && !r.is_null("msg")) msg = r.string("msg");
    if (r.has("into")) into = r.variable("into");
  }
};

/// Logs a task's state.
struct state : var_op, named<"state"> {};

/// [into =] current_task().uncancel().
struct uncancel : named<"uncancel"> {
  static constexpr op_fields fields{.optional = {"into"}};
  name_ref into;
  template <class R> void read(R& r) { if (r.has("into")) into = r.variable("into"); }
};

/// Logs current_task().cancelling().
struct cancelling : named<"cancelling"> {
  static constexpr op_fields fields{};
  template <class R> void read(R&) {}
};

/// The loop's task factory: asyncio.eager_task_factory, or none.
struct eager_factory : named<"eager_factory"> {
  static constexpr op_fields fields{.optional = {"on"}};
  bool on = true;
  template <class R> void read(R& r) { if (r.has("on")) on = r.boolean("on"); }
};

// ---- combinators (ops/gather.hpp, wait.hpp, wait_for.hpp, shield.hpp) ----

/// [into =] await asyncio.gather(*items, return_exceptions=...).
struct gather : named<"gather"> {
  static constexpr op_fields fields{.required = {"items"}, .optional = {"return_exceptions", "into"}};
  std::vector<awaitable_ref> items;
  bool return_exceptions = false;
  name_ref into;
  template <class R> void read(R& r) {
    items = r.awaitables("items", false);
    if (r.has("return_exceptions")) return_exceptions = r.boolean("return_exceptions");
    if (r.has("into")) into = r.variable("into");
  }
};

/// [into =] await asyncio.wait(tasks, timeout=..., return_when=...).
struct wait : named<"wait"> {
  static constexpr op_fields fields{.required = {"items"}, .optional = {"timeout", "return_when", "into"}};
  std::vector<awaitable_ref> items;  // tasks only
  std::optional<std::int64_t> timeout;
  std::string return_when = "ALL_COMPLETED";
  name_ref into;
  template <class R> void read(R& r) {
    items = r.awaitables("items", true);
    if (r.has("timeout")) timeout = r.ticks("timeout", true);
    if (r.has("return_when"))
      return_when = r.choice("return_when", {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"},
                             "return_when must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED");
    if (r.has("into")) into = r.variable("into");
  }
};

/// [into =] await asyncio.wait_for(aw, timeout).
struct wait_for : named<"wait_for"> {
  static constexpr op_fields fields{.required = {"aw", "timeout"}, .optional = {"into"}};
  awaitable_ref aw;
  std::optional<std::int64_t> timeout;
  name_ref into;
  template <class R> void read(R& r) {
    aw = r.awaitable("aw");
    timeout = r.ticks("timeout", true);
    if (r.has("into")) into = r.variable("into");
  }
};

/// [into =] await asyncio.shield(aw).
struct shield : awaiting_op, named<"shield"> {};

// ---- timeouts (ops/timeout.hpp) and task groups (ops/task_group.hpp) ----

/// A body under a deadline: `d` ticks from now (timeout) or at tick `when`
/// (timeout_at); null is none.
template <bool Relative>
struct scoped_timeout {
  static constexpr std::string_view name = Relative ? "timeout" : "timeout_at";
  static constexpr std::string_view at = Relative ? "d" : "when";
  static constexpr op_fields fields{.required = {at, "body"}, .optional = {"as"}};
  std::optional<std::int64_t> ticks;
  name_ref as;
  body stmts;
  template <class R> void read(R& r) {
    ticks = r.ticks(at, true);
    if (r.has("as")) as = r.variable("as");
    stmts = r.body("body");
  }
};
using timeout = scoped_timeout<true>;
using timeout_at = scoped_timeout<false>;

/// A timeout's cm.reschedule(deadline).
struct reschedule : named<"reschedule"> {
  static constexpr op_fields fields{.required = {"cm"}, .optional = {"when", "d"}};
  name_ref cm;
  std::optional<std::int64_t> ticks;
  bool relative = true;  // `d` (true) or `when` (false)
  template <class R> void read(R& r) {
    cm = r.variable("cm");
    if (r.has("when") == r.has("d")) r.fail("reschedule takes exactly one of 'when' and 'd'");
    relative = r.has("d");
    ticks = r.ticks(relative ? "d" : "when", true);
  }
};

/// Logs a timeout's cm.expired().
struct expired : named<"expired"> {
  static constexpr op_fields fields{.required = {"cm"}};
  name_ref cm;
  template <class R> void read(R& r) { cm = r.variable("cm"); }
};

/// async with asyncio.TaskGroup() as tg: body.
struct taskgroup : named<"taskgroup"> {
  static constexpr op_fields fields{.required = {"as", "body"}};
  name_ref as;
  body stmts;
  template <class R> void read(R& r) { as = r.variable("as"); stmts = r.body("body"); }
};

// ---- events (ops/event.hpp) ----

/// var = asyncio.Event().
struct event : var_op, named<"event"> {};
/// event.set().
struct event_set : var_op, named<"event_set"> {};
/// event.clear().
struct event_clear : var_op, named<"event_clear"> {};
/// await event.wait().
struct event_wait : var_op, named<"event_wait"> {};

// ---- locks and semaphores (ops/lock.hpp) ----

/// var = asyncio.Lock().
struct lock : var_op, named<"lock"> {};

/// await lock.acquire() (a lock or a semaphore).
struct acquire : var_op, named<"acquire"> {};
/// lock.release() (a lock or a semaphore).
struct release : var_op, named<"release"> {};
/// Logs lock.locked() (a lock or a semaphore).
struct locked : var_op, named<"locked"> {};

/// var = asyncio.Semaphore(value), or BoundedSemaphore.
struct semaphore : named<"semaphore"> {
  static constexpr op_fields fields{.required = {"var"}, .optional = {"value", "bounded"}};
  name_ref var;
  bool bounded = false;
  std::int64_t value = 1;  // the initial count
  template <class R> void read(R& r) {
    var = r.variable("var");
    if (r.has("value")) value = r.integer("value");
    if (r.has("bounded")) bounded = r.boolean("bounded");
  }
};

// ---- queues (ops/queue.hpp) ----

/// var = asyncio.Queue(maxsize), LifoQueue or PriorityQueue.
struct queue : named<"queue"> {
  static constexpr op_fields fields{.required = {"var"}, .optional = {"maxsize", "kind"}};
  name_ref var;
  std::string kind = "fifo";
  std::int64_t maxsize = 0;
  template <class R> void read(R& r) {
    var = r.variable("var");
    if (r.has("maxsize")) maxsize = r.integer("maxsize");
    if (r.has("kind")) kind = r.choice("kind", {"fifo", "lifo", "priority"}, "kind must be fifo, lifo or priority");
  }
};

/// await queue.put(value), or put_nowait.
struct put : named<"put"> {
  static constexpr op_fields fields{.required = {"var", "value"}, .optional = {"nowait"}};
  name_ref var;
  operand value;
  bool nowait = false;
  template <class R> void read(R& r) {
    var = r.variable("var");
    value = r.value("value");
    if (r.has("nowait")) nowait = r.boolean("nowait");
  }
};

/// [into =] await queue.get(), or get_nowait.
struct get : named<"get"> {
  static constexpr op_fields fields{.required = {"var"}, .optional = {"into", "nowait"}};
  name_ref var, into;
  bool nowait = false;
  template <class R> void read(R& r) {
    var = r.variable("var");
    if (r.has("into")) into = r.variable("into");
    if (r.has("nowait")) nowait = r.boolean("nowait");
  }
};

/// queue.task_done().
struct task_done : var_op, named<"task_done"> {};
/// await queue.join().
struct join : var_op, named<"join"> {};

}  // namespace ops

/// Any op: the one list of the ops there are.
using op = std::variant<ops::log, ops::sleep, ops::spawn, ops::await_, ops::cancel, ops::state, ops::return_,
                        ops::raise, ops::reraise, ops::try_, ops::gather, ops::wait, ops::wait_for, ops::shield,
                        ops::timeout, ops::timeout_at, ops::reschedule, ops::expired, ops::taskgroup, ops::uncancel,
                        ops::cancelling, ops::eager_factory, ops::set, ops::add, ops::assert_, ops::event,
                        ops::event_set, ops::event_clear, ops::event_wait, ops::lock, ops::semaphore, ops::acquire,
                        ops::release, ops::locked, ops::queue, ops::put, ops::get, ops::task_done, ops::join>;

/// The op's name as written in a scenario ("await" for ops::await_).
std::string_view op_name(const op& o) noexcept;

}  // namespace weft::scenario
