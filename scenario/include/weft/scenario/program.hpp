#pragma once
/// A scenario as a validated program: the AST of shared/spec/scenario-format.md.
/// Built by parse(); run by the interpreter (interpreter.hpp).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weft::scenario {

/// Every statement kind of the spec (version 1).
enum class op : std::uint8_t {
  log, sleep, spawn, await_, cancel, state, return_, raise, reraise, try_,
  gather, wait, wait_for, shield, timeout, timeout_at, reschedule, expired, taskgroup,
  uncancel, cancelling, eager_factory, set, add, assert_,
  event, event_set, event_clear, event_wait, lock, semaphore, acquire, release, locked,
  queue, put, get, task_done, join,
};

/// The op's name as written in a scenario ("await" for op::await_).
const char* op_name(op o) noexcept;

/// A literal or a variable reference ("$x") in a `value` or `eq` field.
struct operand {
  enum class kind : std::uint8_t { null, boolean, integer, string, variable };
  kind k = kind::null;
  bool b = false;
  std::int64_t i = 0;
  std::string s;  // the string, or the variable's name
};

/// An awaitable: {"task": VAR} or {"coro": NAME}.
struct awaitable_ref {
  bool is_task = true;
  std::string name;
};

struct statement;
using body = std::vector<statement>;

struct handler {
  std::string exc;                // a kind name
  std::optional<std::string> as;  // variable bound to the exception
  body stmts;
};

/// One statement; which fields are meaningful depends on `kind`.
struct statement {
  op kind{};
  std::string where;  // JSON pointer of the statement, for run-time errors
  std::string msg, var, coro, exc, into, as, cm, group, queue_kind;
  std::optional<std::string> name;        // spawn's task name
  std::optional<std::string> cancel_msg;  // cancel's msg
  std::optional<std::int64_t> ticks;      // d / when / timeout (nullopt = null)
  bool ticks_relative = true;             // reschedule: d (true) or when (false)
  bool has_msg = false, eager = false, nowait = false, bounded = false, return_exceptions = false, on = true;
  std::int64_t count = 0;  // semaphore value, queue maxsize
  std::string return_when;
  awaitable_ref aw;
  std::vector<awaitable_ref> items;
  std::optional<operand> value;  // set/add/return/put value; assert eq
  body stmts, finally_stmts;     // try/timeout/taskgroup body; try's finally
  std::vector<handler> handlers;
  bool has_finally = false;
};

/// A parsed, validated scenario.
struct program {
  std::string file;   // where it came from (for messages)
  std::string name;   // the optional top-level "name"
  std::string main = "main";
  std::map<std::string, body> coros;
  std::size_t statement_count = 0;
};

/// Limits that keep hostile input from exhausting memory or time.
struct limits {
  std::size_t max_file_bytes = 8u << 20;
  std::size_t max_statements = 100000;
  std::size_t max_depth = 64;          // nesting of bodies
  std::size_t max_string_bytes = 4096;
  std::size_t max_coros = 10000;
  std::uint64_t max_steps = 1000000;   // executed statements before "= step limit"
};

}  // namespace weft::scenario
