#include "weft/scenario/interpreter.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <variant>

#include <weft/weft.hpp>

#include "weft/scenario/parse.hpp"

namespace weft::scenario {
namespace {

// ---- values ----

struct value;
using list_ptr = std::shared_ptr<const std::vector<value>>;

/// A value a scenario computes: None, bool, int, str, a task, an exception or a list.
struct value {
  std::variant<std::monostate, bool, std::int64_t, std::string, weft::task<value>, std::exception_ptr, list_ptr> v;
};

/// A user exception kind: a fresh subclass of Python's Exception.
class user_error : public std::exception {
 public:
  user_error(std::string kind, std::string msg) : kind_(std::move(kind)), msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }
  const std::string& kind() const noexcept { return kind_; }
  const std::string& message() const noexcept { return msg_; }

 private:
  std::string kind_, msg_;
};

/// Unwinds a run that ended early (failed assert, step limit, run-time bad
/// input). Derives from nothing, so no scenario handler can catch it.
struct run_abort {};

std::string render_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const user_error& u) {
    return u.kind() + "(" + u.message() + ")";
  } catch (const weft::cancelled_error&) {
    return "CancelledError";
  } catch (const weft::timeout_error&) {
    return "TimeoutError";
  } catch (const weft::invalid_state_error&) {
    return "InvalidStateError";
  } catch (const std::invalid_argument&) {
    return "ValueError";
  } catch (const std::runtime_error&) {
    return "RuntimeError";
  } catch (...) {
    return "BaseException";
  }
}

std::string render(const value& v);

std::string render_task_state(const weft::task<value>& t) {
  if (!t.done()) return "pending";
  if (t.cancelled()) return "cancelled";
  if (std::exception_ptr e = t.exception()) return "raised " + render_exception(e);
  return "result " + render(const_cast<weft::task<value>&>(t).result());
}

std::string render(const value& v) {
  struct visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const weft::task<value>& t) const { return "<" + t.get_name() + ">"; }
    std::string operator()(const std::exception_ptr& e) const { return render_exception(e); }
    std::string operator()(const list_ptr& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l->size(); ++i) out += (i ? ", " : "") + render((*l)[i]);
      return out + "]";
    }
  };
  return std::visit(visitor{}, v.v);
}

/// Python's ==, where True == 1.
bool equal(const value& a, const value& b) {
  auto as_int = [](const value& x) -> std::optional<std::int64_t> {
    if (auto* i = std::get_if<std::int64_t>(&x.v)) return *i;
    if (auto* b = std::get_if<bool>(&x.v)) return *b ? 1 : 0;
    return std::nullopt;
  };
  if (auto x = as_int(a), y = as_int(b); x && y) return *x == *y;
  if (a.v.index() != b.v.index()) return false;
  if (auto* s = std::get_if<std::string>(&a.v)) return *s == std::get<std::string>(b.v);
  if (std::holds_alternative<std::monostate>(a.v)) return true;
  if (auto* t = std::get_if<weft::task<value>>(&a.v)) return *t == std::get<weft::task<value>>(b.v);
  if (auto* e = std::get_if<std::exception_ptr>(&a.v)) return *e == std::get<std::exception_ptr>(b.v);
  auto& la = *std::get<list_ptr>(a.v);
  auto& lb = *std::get<list_ptr>(b.v);
  if (la.size() != lb.size()) return false;
  for (std::size_t i = 0; i < la.size(); ++i)
    if (!equal(la[i], lb[i])) return false;
  return true;
}

/// Does a handler for `kind` catch `e`? (asyncio's exception hierarchy)
bool matches(const std::string& kind, const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const user_error& u) {
    return kind == "BaseException" || kind == "Exception" || kind == u.kind();
  } catch (const weft::cancelled_error&) {
    return kind == "BaseException" || kind == "CancelledError";
  } catch (const weft::timeout_error&) {
    return kind == "BaseException" || kind == "Exception" || kind == "TimeoutError";
  } catch (const weft::invalid_state_error&) {
    return kind == "BaseException" || kind == "Exception" || kind == "InvalidStateError";
  } catch (const std::invalid_argument&) {
    return kind == "BaseException" || kind == "Exception" || kind == "ValueError";
  } catch (const std::runtime_error&) {
    return kind == "BaseException" || kind == "Exception" || kind == "RuntimeError";
  } catch (const std::exception&) {
    return kind == "BaseException" || kind == "Exception";
  } catch (...) {
    return kind == "BaseException";
  }
}

// ---- the interpreter ----

enum class flow { next, returned };

/// One call of a coroutine body: its `.` locals, its return value and the
/// exceptions its handlers are handling (for reraise).
struct frame {
  const std::string* label;  // the trace label of the task running this call
  std::map<std::string, value> locals;
  value ret;
  std::vector<std::exception_ptr> handling;
};

class interpreter {
 public:
  interpreter(const program& prog, const run_options& opts) : prog_(prog), opts_(opts) {}

  run_result run() {
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
        result_.trace.push_back("= main " + main_outcome(main));
        for (const auto& t : spawned_) result_.trace.push_back("= " + t.get_name() + " " + render_task_state(t));
      }
    }
    result_.steps = steps_;
    spawned_.clear();
    globals_.clear();
    loop.close();
    return std::move(result_);
  }

 private:
  struct outcome {
    bool raised = false;
    value v;
  };

  std::string main_outcome(weft::task<outcome>& main) {
    if (main.cancelled()) return "cancelled";
    outcome& o = main.result();
    return o.raised ? "raised " + render(o.v) : "result " + render(o.v);
  }

  // The spec's main_task (scenario-format.md, "The run").
  weft::coro<outcome> main_task() {
    weft::current_task().set_name("main");
    outcome out;
    std::exception_ptr failure;
    try {
      out.v = co_await call(prog_.main, main_label_);
    } catch (const run_abort&) {
      throw;
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) out = {true, value{failure}};
    std::vector<weft::any_task> left;
    for (auto& t : spawned_)
      if (!t.done()) left.push_back(t);
    for (auto& t : left) t.cancel();
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
  weft::coro<value> call(const std::string& name, const std::string& label) {
    frame f{&label, {}, {}, {}};
    co_await exec(prog_.coros.at(name), f);
    co_return std::move(f.ret);
  }

  /// A spawned task's coroutine: it owns its label.
  weft::coro<value> call_as(std::string name, std::string label) { co_return co_await call(name, label); }

  [[noreturn]] void abort_run() {
    loop_->stop();
    throw run_abort{};
  }

  void freeze(std::string line, ending why) {
    if (result_.end != ending::completed) return;
    result_.trace.push_back(std::move(line));
    result_.end = why;
  }

  [[noreturn]] void bad(const statement& s, const std::string& field, const std::string& problem) {
    if (!bad_) bad_ = bad_input(prog_.file, s.where + (field.empty() ? "" : "/" + field), problem);
    freeze("", ending::assertion_failed);
    abort_run();
  }

  void log(const frame& f, const std::string& text) {
    if (result_.end != ending::completed) return;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(loop_->time().time_since_epoch()).count();
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
      out += render(read(f, s, "msg", m.substr(i + 1, close - i - 1)));
      i = close;
    }
    return out;
  }

  void count_step() {
    if (result_.end != ending::completed) abort_run();
    if (++steps_ > opts_.max_steps) {
      freeze("= step limit", ending::step_limit);
      abort_run();
    }
  }

  weft::coro<flow> exec(const body& b, frame& f) {
    for (const statement& s : b) {
      count_step();
      switch (s.kind) {
        case op::log:
          log(f, format(f, s));
          break;
        case op::sleep:
          co_await weft::sleep(std::chrono::seconds(*s.ticks));
          break;
        case op::spawn: {
          std::string name = s.name ? *s.name : s.var;
          auto t = weft::create_task(call_as(s.coro, name), {.name = name, .eager_start = s.eager});
          spawned_.push_back(t);
          assign(f, s.var, value{t});
          break;
        }
        case op::await_: {
          value v;
          if (s.aw.is_task)
            v = co_await task_var(f, s, "aw/task", s.aw.name);
          else
            v = co_await call(s.aw.name, *f.label);
          if (!s.into.empty()) assign(f, s.into, std::move(v));
          break;
        }
        case op::cancel: {
          bool r = task_var(f, s, "var", s.var).cancel(s.cancel_msg);
          if (!s.into.empty()) assign(f, s.into, value{r});
          break;
        }
        case op::state: {
          auto t = task_var(f, s, "var", s.var);
          log(f, "state " + t.get_name() + " " + render_task_state(t));
          break;
        }
        case op::return_:
          f.ret = s.value ? eval(f, s, "value", *s.value) : value{};
          co_return flow::returned;
        case op::raise:
          throw user_error(s.exc, s.msg);
        case op::reraise:
          std::rethrow_exception(f.handling.back());
        case op::try_:
          if (co_await exec_try(s, f) == flow::returned) co_return flow::returned;
          break;
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
            freeze("= assertion failed: " + s.var + " == " + render(want) + " (was " + render(got ? *got : none) + ")",
                   ending::assertion_failed);
            abort_run();
          }
          break;
        }
        default:
          bad(s, "op", std::string("op '") + op_name(s.kind) + "' is not supported by this version of weft yet");
      }
    }
    co_return flow::next;
  }

  value add(frame& f, const statement& s) {
    value& cur = read(f, s, "var", s.var);
    value rhs = eval(f, s, "value", *s.value);
    auto as_int = [](const value& x) -> std::optional<std::int64_t> {
      if (auto* i = std::get_if<std::int64_t>(&x.v)) return *i;
      if (auto* b = std::get_if<bool>(&x.v)) return *b ? 1 : 0;
      return std::nullopt;
    };
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
    bad(s, "value", "cannot add " + render(rhs) + " to " + render(cur) + " (Python raises TypeError)");
  }

  weft::coro<flow> exec_try(const statement& s, frame& f) {
    flow result = flow::next;
    std::exception_ptr pending;
    try {
      result = co_await exec(s.stmts, f);
    } catch (const run_abort&) {
      throw;
    } catch (...) {
      pending = std::current_exception();
    }
    if (pending) {
      for (const handler& h : s.handlers) {
        if (!matches(h.exc, pending)) continue;
        if (h.as) assign(f, *h.as, value{pending});
        f.handling.push_back(pending);
        std::exception_ptr from_handler;
        try {
          result = co_await exec(h.stmts, f);
        } catch (const run_abort&) {
          throw;
        } catch (...) {
          from_handler = std::current_exception();
        }
        f.handling.pop_back();
        pending = from_handler;
        break;
      }
    }
    if (s.has_finally) {
      // A return in finally wins over both a return and an exception.
      if (co_await exec(s.finally_stmts, f) == flow::returned) co_return flow::returned;
    }
    if (pending) std::rethrow_exception(pending);
    co_return result;
  }

  const program& prog_;
  run_options opts_;
  weft::event_loop* loop_ = nullptr;
  run_result result_;
  std::optional<bad_input> bad_;
  std::uint64_t steps_ = 0;
  std::map<std::string, value> globals_;
  std::vector<weft::task<value>> spawned_;
  const std::string main_label_ = "main";
};

}  // namespace

run_result run(const program& prog, const run_options& opts) { return interpreter(prog, opts).run(); }

}  // namespace weft::scenario
