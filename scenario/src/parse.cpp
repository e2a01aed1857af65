#include "weft/scenario/parse.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <vector>

#include "json_document.hpp"

namespace weft::scenario {

using parsing::escape_pointer_token;
using parsing::json;
using parsing::shown;

bad_input::bad_input(const std::string& file, const std::string& where, const std::string& problem)
    : std::runtime_error(file + ": " + (where.empty() ? "" : where + ": ") + problem), where_(where), problem_(problem) {}

const char* op_name(op o) noexcept {
  switch (o) {
    case op::log: return "log";
    case op::sleep: return "sleep";
    case op::spawn: return "spawn";
    case op::await_: return "await";
    case op::cancel: return "cancel";
    case op::state: return "state";
    case op::return_: return "return";
    case op::raise: return "raise";
    case op::reraise: return "reraise";
    case op::try_: return "try";
    case op::gather: return "gather";
    case op::wait: return "wait";
    case op::wait_for: return "wait_for";
    case op::shield: return "shield";
    case op::timeout: return "timeout";
    case op::timeout_at: return "timeout_at";
    case op::reschedule: return "reschedule";
    case op::expired: return "expired";
    case op::taskgroup: return "taskgroup";
    case op::uncancel: return "uncancel";
    case op::cancelling: return "cancelling";
    case op::eager_factory: return "eager_factory";
    case op::set: return "set";
    case op::add: return "add";
    case op::assert_: return "assert";
    case op::event: return "event";
    case op::event_set: return "event_set";
    case op::event_clear: return "event_clear";
    case op::event_wait: return "event_wait";
    case op::lock: return "lock";
    case op::semaphore: return "semaphore";
    case op::acquire: return "acquire";
    case op::release: return "release";
    case op::locked: return "locked";
    case op::queue: return "queue";
    case op::put: return "put";
    case op::get: return "get";
    case op::task_done: return "task_done";
    case op::join: return "join";
  }
  return "?";
}

namespace {

constexpr std::int64_t int_min = -(std::int64_t{1} << 31), int_max = (std::int64_t{1} << 31) - 1;
constexpr std::int64_t tick_limit = 1000000000;

const std::set<std::string>& reserved_kinds() {
  static const std::set<std::string> k{"CancelledError", "TimeoutError", "ExceptionGroup", "Exception", "BaseException",
                                       "RuntimeError",   "ValueError",   "InvalidStateError", "QueueFull", "QueueEmpty"};
  return k;
}

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

bool is_variable(const std::string& s) { return is_identifier(s[0] == '.' && s.size() > 1 ? s.substr(1) : s); }

struct op_spec {
  op kind;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

const std::map<std::string, op_spec>& op_specs() {
  static const std::map<std::string, op_spec> specs{
      {"log", {op::log, {"msg"}, {}}},
      {"sleep", {op::sleep, {"d"}, {}}},
      {"spawn", {op::spawn, {"var", "coro"}, {"name", "group", "eager"}}},
      {"await", {op::await_, {"aw"}, {"into"}}},
      {"cancel", {op::cancel, {"var"}, {"msg", "into"}}},
      {"state", {op::state, {"var"}, {}}},
      {"return", {op::return_, {}, {"value"}}},
      {"raise", {op::raise, {"exc"}, {"msg"}}},
      {"reraise", {op::reraise, {}, {}}},
      {"try", {op::try_, {"body"}, {"handlers", "finally"}}},
      {"gather", {op::gather, {"items"}, {"return_exceptions", "into"}}},
      {"wait", {op::wait, {"items"}, {"timeout", "return_when", "into"}}},
      {"wait_for", {op::wait_for, {"aw", "timeout"}, {"into"}}},
      {"shield", {op::shield, {"aw"}, {"into"}}},
      {"timeout", {op::timeout, {"d", "body"}, {"as"}}},
      {"timeout_at", {op::timeout_at, {"when", "body"}, {"as"}}},
      {"reschedule", {op::reschedule, {"cm"}, {"when", "d"}}},
      {"expired", {op::expired, {"cm"}, {}}},
      {"taskgroup", {op::taskgroup, {"as", "body"}, {}}},
      {"uncancel", {op::uncancel, {}, {"into"}}},
      {"cancelling", {op::cancelling, {}, {}}},
      {"eager_factory", {op::eager_factory, {}, {"on"}}},
      {"set", {op::set, {"var", "value"}, {}}},
      {"add", {op::add, {"var", "value"}, {}}},
      {"assert", {op::assert_, {"var", "eq"}, {}}},
      {"event", {op::event, {"var"}, {}}},
      {"event_set", {op::event_set, {"var"}, {}}},
      {"event_clear", {op::event_clear, {"var"}, {}}},
      {"event_wait", {op::event_wait, {"var"}, {}}},
      {"lock", {op::lock, {"var"}, {}}},
      {"semaphore", {op::semaphore, {"var"}, {"value", "bounded"}}},
      {"acquire", {op::acquire, {"var"}, {}}},
      {"release", {op::release, {"var"}, {}}},
      {"locked", {op::locked, {"var"}, {}}},
      {"queue", {op::queue, {"var"}, {"maxsize", "kind"}}},
      {"put", {op::put, {"var", "value"}, {"nowait"}}},
      {"get", {op::get, {"var"}, {"into", "nowait"}}},
      {"task_done", {op::task_done, {"var"}, {}}},
      {"join", {op::join, {"var"}, {}}},
  };
  return specs;
}

class parser {
 public:
  parser(std::string file, const limits& lim) : file_(std::move(file)), lim_(lim) {}

  program run(std::string_view text) {
    json doc = parsing::read_document(text, file_, lim_);
    program prog;
    prog.file = file_;
    if (!doc.is_object()) fail("", "a scenario must be a JSON object");
    for (auto& [key, v] : doc.items()) {
      if (key == "version") {
        if (!v.is_number_integer() || v.get<std::int64_t>() != 1) fail("/version", "version must be 1");
      } else if (key == "main") {
        prog.main = name_string(v, "/main");
        if (!is_identifier(prog.main)) fail("/main", "'" + shown(prog.main) + "' is not a coroutine name");
      } else if (key == "name") {
        if (v.is_string()) prog.name = v.get<std::string>();
      }
    }
    if (!doc.contains("coros")) fail("", "missing field 'coros'");
    const json& coros = doc["coros"];
    if (!coros.is_object()) fail("/coros", "coros must be an object mapping names to bodies");
    if (coros.size() > lim_.max_coros) fail("/coros", "too many coroutines (" + std::to_string(coros.size()) + "; the limit is " +
                                                       std::to_string(lim_.max_coros) + ")");
    for (auto& [cname, b] : coros.items()) {
      std::string where = "/coros/" + escape_pointer_token(shown(cname));
      if (!is_identifier(cname)) fail(where, "'" + shown(cname) + "' is not a valid coroutine name");
      check_length(cname, where);
      prog.coros.emplace(cname, body{});
    }
    for (auto& [cname, b] : coros.items())
      prog.coros[cname] = parse_body(b, "/coros/" + escape_pointer_token(cname), 1, false);
    if (!prog.coros.count(prog.main)) fail(doc.contains("main") ? "/main" : "", "main coroutine '" + shown(prog.main) + "' is not defined");
    for (auto& [where, name] : coro_refs_)
      if (!prog.coros.count(name)) fail(where, "coroutine '" + shown(name) + "' is not defined");
    prog.statement_count = statements_;
    return prog;
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw bad_input(file_, where, problem);
  }

  void check_length(const std::string& s, const std::string& where) const {
    if (s.size() > lim_.max_string_bytes)
      fail(where, "string too long (" + std::to_string(s.size()) + " bytes; the limit is " +
                      std::to_string(lim_.max_string_bytes) + ")");
  }

  std::string string_field(const json& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expected a string");
    std::string s = v.get<std::string>();
    check_length(s, where);
    return s;
  }

  std::string name_string(const json& v, const std::string& where) const { return string_field(v, where); }

  std::string variable(const json& v, const std::string& where) const {
    std::string s = string_field(v, where);
    if (!is_variable(s)) fail(where, "'" + shown(s) + "' is not a valid variable name");
    return s;
  }

  std::int64_t integer(const json& v, const std::string& where, std::int64_t lo, std::int64_t hi) const {
    if (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() && v.get<double>() != 0)
      fail(where, "integer out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");  // past 64 bits
    if (!v.is_number_integer()) fail(where, v.is_number() ? "expected an integer, not a fraction" : "expected an integer");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail(where, "integer out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    std::int64_t i = v.get<std::int64_t>();
    if (i < lo || i > hi) fail(where, "integer out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return i;
  }

  std::optional<std::int64_t> ticks(const json& v, const std::string& where, bool nullable) const {
    if (v.is_null()) {
      if (!nullable) fail(where, "expected a number of ticks, not null");
      return std::nullopt;
    }
    return integer(v, where, -tick_limit, tick_limit);
  }

  bool boolean(const json& v, const std::string& where) const {
    if (!v.is_boolean()) fail(where, "expected true or false");
    return v.get<bool>();
  }

  operand parse_operand(const json& v, const std::string& where) const {
    operand o;
    if (v.is_null()) {
      o.k = operand::kind::null;
    } else if (v.is_boolean()) {
      o.k = operand::kind::boolean;
      o.b = v.get<bool>();
    } else if (v.is_number_integer()) {
      o.k = operand::kind::integer;
      o.i = integer(v, where, int_min, int_max);
    } else if (v.is_string()) {
      o.s = string_field(v, where);
      o.k = operand::kind::string;
      if (!o.s.empty() && o.s[0] == '$') {
        o.s.erase(0, 1);
        if (!is_variable(o.s)) fail(where, "'$" + shown(o.s) + "' does not name a variable");
        o.k = operand::kind::variable;
      }
    } else {
      fail(where, "expected null, true, false, an integer or a string");
    }
    return o;
  }

  awaitable_ref parse_awaitable(const json& v, const std::string& where) {
    if (!v.is_object() || v.size() != 1 || !(v.contains("task") || v.contains("coro")))
      fail(where, "expected an awaitable: {\"task\": VAR} or {\"coro\": NAME}");
    awaitable_ref a;
    if (v.contains("task")) {
      a.is_task = true;
      a.name = variable(v["task"], where + "/task");
    } else {
      a.is_task = false;
      a.name = string_field(v["coro"], where + "/coro");
      coro_refs_.emplace_back(where + "/coro", a.name);
    }
    return a;
  }

  void check_kind(const std::string& kind, const std::string& where, bool for_raise) const {
    if (!is_identifier(kind)) fail(where, "'" + shown(kind) + "' is not a valid exception kind");
    if (for_raise && reserved_kinds().count(kind))
      fail(where, "'" + kind + "' is reserved: raise a user kind (any other identifier)");
  }

  std::string log_message(const json& v, const std::string& where) const {
    std::string m = string_field(v, where);
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (m[i] == '}') continue;
      if (m[i] != '{') continue;
      auto close = m.find('}', i);
      if (close == std::string::npos) fail(where, "'{' without a closing '}' (there is no escape for '{')");
      std::string var = m.substr(i + 1, close - i - 1);
      if (!is_variable(var)) fail(where, "'{" + shown(var) + "}' does not name a variable");
      i = close;
    }
    return m;
  }

  body parse_body(const json& v, const std::string& where, std::size_t depth, bool in_handler) {
    if (depth > lim_.max_depth) fail(where, "nesting too deep (more than " + std::to_string(lim_.max_depth) + " levels)");
    if (!v.is_array()) fail(where, "a body must be a list of statements");
    body out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(parse_statement(v[i], where + "/" + std::to_string(i), depth, in_handler));
    return out;
  }

  statement parse_statement(const json& v, const std::string& where, std::size_t depth, bool in_handler) {
    if (++statements_ > lim_.max_statements)
      fail(where, "too many statements (the limit is " + std::to_string(lim_.max_statements) + ")");
    if (!v.is_object()) fail(where, "a statement must be an object with an 'op'");
    if (!v.contains("op")) fail(where, "missing field 'op'");
    std::string name = string_field(v["op"], where + "/op");
    auto it = op_specs().find(name);
    if (it == op_specs().end()) fail(where + "/op", "unknown op '" + shown(name) + "'");
    const op_spec& spec = it->second;
    for (auto& [key, _] : v.items()) {
      if (key == "op") continue;
      bool known = false;
      for (std::string_view f : spec.required) known |= key == f;
      for (std::string_view f : spec.optional) known |= key == f;
      if (!known) fail(where + "/" + escape_pointer_token(shown(key)), "unknown field '" + shown(key) + "' for op '" + name + "'");
    }
    for (std::string_view f : spec.required)
      if (!v.contains(f)) fail(where, "missing field '" + std::string(f) + "' for op '" + name + "'");

    statement s;
    s.kind = spec.kind;
    s.where = where;
    auto has = [&](const char* f) { return v.contains(f); };
    auto at = [&](const char* f) { return where + "/" + f; };
    switch (spec.kind) {
      case op::log:
        s.msg = log_message(v["msg"], at("msg"));
        break;
      case op::sleep:
        s.ticks = ticks(v["d"], at("d"), false);
        break;
      case op::spawn:
        s.var = variable(v["var"], at("var"));
        s.coro = string_field(v["coro"], at("coro"));
        coro_refs_.emplace_back(at("coro"), s.coro);
        if (has("name")) {
          s.name = string_field(v["name"], at("name"));
          check_task_name(*s.name, at("name"));
        } else {
          check_task_name(s.var, at("var"));
        }
        if (has("group")) s.group = variable(v["group"], at("group"));
        if (has("eager")) s.eager = boolean(v["eager"], at("eager"));
        if (has("group") && has("eager"))
          fail(where, "'group' and 'eager' together: TaskGroup.create_task has no eager_start in 3.13");
        break;
      case op::await_:
      case op::shield:
        s.aw = parse_awaitable(v["aw"], at("aw"));
        if (has("into")) s.into = variable(v["into"], at("into"));
        break;
      case op::wait_for:
        s.aw = parse_awaitable(v["aw"], at("aw"));
        s.ticks = ticks(v["timeout"], at("timeout"), true);
        if (has("into")) s.into = variable(v["into"], at("into"));
        break;
      case op::cancel:
        s.var = variable(v["var"], at("var"));
        if (has("msg") && !v["msg"].is_null()) s.cancel_msg = string_field(v["msg"], at("msg"));
        if (has("into")) s.into = variable(v["into"], at("into"));
        break;
      case op::state:
      case op::event:
      case op::event_set:
      case op::event_clear:
      case op::event_wait:
      case op::lock:
      case op::acquire:
      case op::release:
      case op::locked:
      case op::task_done:
      case op::join:
        s.var = variable(v["var"], at("var"));
        break;
      case op::return_:
        if (has("value")) s.value = parse_operand(v["value"], at("value"));
        break;
      case op::raise:
        s.exc = string_field(v["exc"], at("exc"));
        check_kind(s.exc, at("exc"), true);
        if (has("msg")) s.msg = string_field(v["msg"], at("msg"));
        break;
      case op::reraise:
        if (!in_handler) fail(where, "reraise outside an exception handler");
        break;
      case op::try_: {
        s.stmts = parse_body(v["body"], at("body"), depth + 1, in_handler);
        if (has("handlers")) {
          const json& hs = v["handlers"];
          if (!hs.is_array()) fail(at("handlers"), "handlers must be a list");
          for (std::size_t i = 0; i < hs.size(); ++i) {
            std::string hw = at("handlers") + "/" + std::to_string(i);
            const json& h = hs[i];
            if (!h.is_object()) fail(hw, "a handler must be an object with 'exc' and 'body'");
            for (auto& [key, _] : h.items())
              if (key != "exc" && key != "as" && key != "body")
                fail(hw + "/" + escape_pointer_token(shown(key)), "unknown field '" + shown(key) + "' for a handler");
            if (!h.contains("exc")) fail(hw, "missing field 'exc' for a handler");
            if (!h.contains("body")) fail(hw, "missing field 'body' for a handler");
            handler hd;
            hd.exc = string_field(h["exc"], hw + "/exc");
            check_kind(hd.exc, hw + "/exc", false);
            if (h.contains("as")) hd.as = variable(h["as"], hw + "/as");
            hd.stmts = parse_body(h["body"], hw + "/body", depth + 1, true);
            s.handlers.push_back(std::move(hd));
          }
        }
        if (has("finally")) {
          s.has_finally = true;
          s.finally_stmts = parse_body(v["finally"], at("finally"), depth + 1, in_handler);
        }
        break;
      }
      case op::gather:
      case op::wait: {
        const json& items = v["items"];
        if (!items.is_array()) fail(at("items"), "items must be a list of awaitables");
        for (std::size_t i = 0; i < items.size(); ++i) {
          std::string iw = at("items") + "/" + std::to_string(i);
          awaitable_ref a = parse_awaitable(items[i], iw);
          if (spec.kind == op::wait && !a.is_task) fail(iw, "wait takes tasks only ({\"task\": VAR})");
          s.items.push_back(std::move(a));
        }
        if (spec.kind == op::gather && has("return_exceptions"))
          s.return_exceptions = boolean(v["return_exceptions"], at("return_exceptions"));
        if (spec.kind == op::wait) {
          if (has("timeout")) s.ticks = ticks(v["timeout"], at("timeout"), true);
          s.return_when = "ALL_COMPLETED";
          if (has("return_when")) {
            s.return_when = string_field(v["return_when"], at("return_when"));
            if (s.return_when != "FIRST_COMPLETED" && s.return_when != "FIRST_EXCEPTION" && s.return_when != "ALL_COMPLETED")
              fail(at("return_when"), "return_when must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED");
          }
        }
        if (has("into")) s.into = variable(v["into"], at("into"));
        break;
      }
      case op::timeout:
      case op::timeout_at:
        s.ticks = ticks(v[spec.kind == op::timeout ? "d" : "when"], at(spec.kind == op::timeout ? "d" : "when"), true);
        s.ticks_relative = spec.kind == op::timeout;
        if (has("as")) s.as = variable(v["as"], at("as"));
        s.stmts = parse_body(v["body"], at("body"), depth + 1, in_handler);
        break;
      case op::reschedule:
        s.cm = variable(v["cm"], at("cm"));
        if (has("when") == has("d")) fail(where, "reschedule takes exactly one of 'when' and 'd'");
        s.ticks_relative = has("d");
        s.ticks = ticks(v[has("d") ? "d" : "when"], at(has("d") ? "d" : "when"), true);
        break;
      case op::expired:
        s.cm = variable(v["cm"], at("cm"));
        break;
      case op::taskgroup:
        s.as = variable(v["as"], at("as"));
        s.stmts = parse_body(v["body"], at("body"), depth + 1, in_handler);
        break;
      case op::uncancel:
        if (has("into")) s.into = variable(v["into"], at("into"));
        break;
      case op::cancelling:
        break;
      case op::eager_factory:
        if (has("on")) s.on = boolean(v["on"], at("on"));
        break;
      case op::set:
      case op::add:
        s.var = variable(v["var"], at("var"));
        s.value = parse_operand(v["value"], at("value"));
        break;
      case op::assert_:
        s.var = variable(v["var"], at("var"));
        s.value = parse_operand(v["eq"], at("eq"));
        break;
      case op::semaphore:
        s.var = variable(v["var"], at("var"));
        s.count = has("value") ? integer(v["value"], at("value"), int_min, int_max) : 1;
        if (has("bounded")) s.bounded = boolean(v["bounded"], at("bounded"));
        break;
      case op::queue:
        s.var = variable(v["var"], at("var"));
        if (has("maxsize")) s.count = integer(v["maxsize"], at("maxsize"), int_min, int_max);
        s.queue_kind = "fifo";
        if (has("kind")) {
          s.queue_kind = string_field(v["kind"], at("kind"));
          if (s.queue_kind != "fifo" && s.queue_kind != "lifo" && s.queue_kind != "priority")
            fail(at("kind"), "kind must be fifo, lifo or priority");
        }
        break;
      case op::put:
        s.var = variable(v["var"], at("var"));
        s.value = parse_operand(v["value"], at("value"));
        if (has("nowait")) s.nowait = boolean(v["nowait"], at("nowait"));
        break;
      case op::get:
        s.var = variable(v["var"], at("var"));
        if (has("into")) s.into = variable(v["into"], at("into"));
        if (has("nowait")) s.nowait = boolean(v["nowait"], at("nowait"));
        break;
    }
    return s;
  }

  void check_task_name(const std::string& n, const std::string& where) const {
    if (n.empty()) fail(where, "a task name must not be empty");
    if (n.rfind("Task-", 0) == 0) fail(where, "task name '" + shown(n) + "' must not start with 'Task-' (asyncio's automatic names)");
    if (n[0] == '~') fail(where, "task name '" + shown(n) + "' must not start with '~' (the trace's label for unnamed tasks)");
    if (n == "main") fail(where, "task name 'main' is reserved for the main task");
  }

  std::string file_;
  limits lim_;
  std::size_t statements_ = 0;
  std::vector<std::pair<std::string, std::string>> coro_refs_;  // (where, name) to resolve at the end
};

}  // namespace

program parse(std::string_view text, const std::string& file, const limits& lim) { return parser(file, lim).run(text); }

program parse_file(const std::string& path, const limits& lim) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > lim.max_file_bytes)
    throw bad_input(path, "", "file too large (" + std::to_string(size) + " bytes; the limit is " +
                                  std::to_string(lim.max_file_bytes) + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad_input(path, "", "cannot open the file");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > lim.max_file_bytes) break;  // parse() reports it
  }
  if (in.bad()) throw bad_input(path, "", "cannot read the file");
  return parse(text, path, lim);
}

}  // namespace weft::scenario
