#include "weft/scenario/parse.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <utility>

#include "json_document.hpp"

namespace weft::scenario {

using parsing::escape_pointer_token;
using parsing::json;
using parsing::shown;

bad_input::bad_input(const std::string& file, const std::string& where, const std::string& problem)
    : std::runtime_error(file + ": " + (where.empty() ? "" : where + ": ") + problem), where_(where), problem_(problem) {}

std::string_view op_name(const op& o) noexcept {
  return std::visit([](const auto& x) { return std::remove_cvref_t<decltype(x)>::name; }, o);
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

class op_reader;

/// How to read one op: its name, its fields, and its type's read().
struct op_entry {
  std::string_view name;
  const op_fields* fields;
  op (*read)(op_reader&);
};

template <class Op>
op read_op(op_reader& r) {
  Op o;
  o.read(r);
  return o;
}

/// Every alternative of `op`, sorted by name for lookup.
template <std::size_t... I>
constexpr std::array<op_entry, sizeof...(I)> make_op_table(std::index_sequence<I...>) {
  std::array<op_entry, sizeof...(I)> t{op_entry{std::variant_alternative_t<I, op>::name,
                                                &std::variant_alternative_t<I, op>::fields,
                                                &read_op<std::variant_alternative_t<I, op>>}...};
  std::sort(t.begin(), t.end(), [](const op_entry& a, const op_entry& b) { return a.name < b.name; });
  return t;
}
constexpr auto op_table = make_op_table(std::make_index_sequence<std::variant_size_v<op>>{});

const op_entry* find_op(std::string_view name) {
  auto it = std::lower_bound(op_table.begin(), op_table.end(), name,
                             [](const op_entry& e, std::string_view n) { return e.name < n; });
  return it != op_table.end() && it->name == name ? &*it : nullptr;
}

bool takes_field(const op_fields& f, std::string_view key) {
  for (std::string_view n : f.required)
    if (!n.empty() && key == n) return true;
  for (std::string_view n : f.optional)
    if (!n.empty() && key == n) return true;
  return false;
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
        prog.main.name = string_field(v, "/main");
        if (!is_identifier(prog.main.name)) fail("/main", "'" + shown(prog.main.name) + "' is not a coroutine name");
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
      coro_index_.emplace(cname, static_cast<std::uint32_t>(prog.coros.size()));
      prog.coros.push_back({cname, {}, 0, "~" + cname});
    }
    for (coroutine& c : prog.coros) {
      locals_.clear();
      c.stmts = parse_body(coros[c.name], "/coros/" + escape_pointer_token(c.name), 1, false);
      c.locals = static_cast<std::uint32_t>(locals_.size());
    }
    auto main = coro_index_.find(prog.main.name);
    if (main == coro_index_.end())
      fail(doc.contains("main") ? "/main" : "", "main coroutine '" + shown(prog.main.name) + "' is not defined");
    prog.main.index = main->second;
    for (auto& [where, name] : coro_refs_)
      if (!coro_index_.count(name)) fail(where, "coroutine '" + shown(name) + "' is not defined");
    prog.globals = static_cast<std::uint32_t>(globals_.size());
    prog.statement_count = statements_;
    return prog;
  }

  // ---- field values, for op_reader ----

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw bad_input(file_, where, problem);
  }

  std::string string_field(const json& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expected a string");
    std::string s = v.get<std::string>();
    check_length(s, where);
    return s;
  }

  name_ref variable(const json& v, const std::string& where) {
    std::string s = string_field(v, where);
    if (!is_variable(s)) fail(where, "'" + shown(s) + "' is not a valid variable name");
    return numbered(std::move(s));
  }

  /// The variable `name` with its slot: the next free one the first time
  /// its scope (the program's globals, or the coroutine being read's
  /// locals) meets it.
  name_ref numbered(std::string name) {
    auto& scope = name[0] == '.' ? locals_ : globals_;
    const auto slot = scope.emplace(name, static_cast<std::uint32_t>(scope.size())).first->second;
    return {std::move(name), slot};
  }

  /// A coroutine's name and index; one not defined is reported once the
  /// whole file has been read.
  name_ref coro_name(const json& v, const std::string& where) {
    std::string s = string_field(v, where);
    coro_refs_.emplace_back(where, s);
    auto it = coro_index_.find(s);
    return {std::move(s), it == coro_index_.end() ? 0 : it->second};
  }

  std::int64_t integer(const json& v, const std::string& where, std::int64_t lo = int_min, std::int64_t hi = int_max) const {
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

  operand parse_operand(const json& v, const std::string& where) {
    operand o;
    if (v.is_null()) {
      o.k = operand::kind::null;
    } else if (v.is_boolean()) {
      o.k = operand::kind::boolean;
      o.b = v.get<bool>();
    } else if (v.is_number_integer()) {
      o.k = operand::kind::integer;
      o.i = integer(v, where);
    } else if (v.is_string()) {
      o.s = string_field(v, where);
      o.k = operand::kind::string;
      if (!o.s.empty() && o.s[0] == '$') {
        std::string name = o.s.substr(1);
        if (!is_variable(name)) fail(where, "'$" + shown(name) + "' does not name a variable");
        o.k = operand::kind::variable;
        o.s.clear();
        o.var = numbered(std::move(name));
      } else {
        o.shared = std::make_shared<const std::string>(o.s);
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
      a.ref = variable(v["task"], where + "/task");
    } else {
      a.is_task = false;
      a.ref = coro_name(v["coro"], where + "/coro");
    }
    return a;
  }

  std::string exception_kind(const json& v, const std::string& where, bool for_raise) const {
    std::string kind = string_field(v, where);
    if (!is_identifier(kind)) fail(where, "'" + shown(kind) + "' is not a valid exception kind");
    if (for_raise && reserved_kinds().count(kind))
      fail(where, "'" + kind + "' is reserved: raise a user kind (any other identifier)");
    return kind;
  }

  std::string log_message(const json& v, const std::string& where, std::vector<name_ref>& vars) {
    std::string m = string_field(v, where);
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (m[i] == '}') continue;
      if (m[i] != '{') continue;
      auto close = m.find('}', i);
      if (close == std::string::npos) fail(where, "'{' without a closing '}' (there is no escape for '{')");
      std::string var = m.substr(i + 1, close - i - 1);
      if (!is_variable(var)) fail(where, "'{" + shown(var) + "}' does not name a variable");
      vars.push_back(numbered(std::move(var)));
      i = close;
    }
    return m;
  }

  void check_task_name(const std::string& n, const std::string& where) const {
    if (n.empty()) fail(where, "a task name must not be empty");
    if (n.rfind("Task-", 0) == 0) fail(where, "task name '" + shown(n) + "' must not start with 'Task-' (asyncio's automatic names)");
    if (n[0] == '~') fail(where, "task name '" + shown(n) + "' must not start with '~' (the trace's label for unnamed tasks)");
    if (n == "main") fail(where, "task name 'main' is reserved for the main task");
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

  std::vector<handler> parse_handlers(const json& hs, const std::string& where, std::size_t depth) {
    if (!hs.is_array()) fail(where, "handlers must be a list");
    std::vector<handler> out;
    for (std::size_t i = 0; i < hs.size(); ++i) {
      std::string hw = where + "/" + std::to_string(i);
      const json& h = hs[i];
      if (!h.is_object()) fail(hw, "a handler must be an object with 'exc' and 'body'");
      for (auto& [key, _] : h.items())
        if (key != "exc" && key != "as" && key != "body")
          fail(hw + "/" + escape_pointer_token(shown(key)), "unknown field '" + shown(key) + "' for a handler");
      if (!h.contains("exc")) fail(hw, "missing field 'exc' for a handler");
      if (!h.contains("body")) fail(hw, "missing field 'body' for a handler");
      handler hd;
      hd.exc = exception_kind(h["exc"], hw + "/exc", false);
      if (h.contains("as")) hd.as = variable(h["as"], hw + "/as");
      hd.stmts = parse_body(h["body"], hw + "/body", depth, true);
      out.push_back(std::move(hd));
    }
    return out;
  }

 private:
  void check_length(const std::string& s, const std::string& where) const {
    if (s.size() > lim_.max_string_bytes)
      fail(where, "string too long (" + std::to_string(s.size()) + " bytes; the limit is " +
                      std::to_string(lim_.max_string_bytes) + ")");
  }

  statement parse_statement(const json& v, const std::string& where, std::size_t depth, bool in_handler);

  std::string file_;
  limits lim_;
  std::size_t statements_ = 0;
  std::vector<std::pair<std::string, std::string>> coro_refs_;  // (where, name) to resolve at the end
  std::map<std::string, std::uint32_t> coro_index_;
  std::map<std::string, std::uint32_t> globals_, locals_;  // slots by name (locals_: the coroutine being read's)
};

/// One statement's fields, as the op types' read() take them: each named
/// field checked and converted, an error naming its place.
class op_reader {
 public:
  op_reader(parser& p, const json& v, const std::string& where, std::size_t depth, bool in_handler)
      : p_(p), v_(v), where_(where), depth_(depth), in_handler_(in_handler) {}

  bool has(std::string_view f) const { return v_.contains(f); }
  bool is_null(std::string_view f) const { return v_[f].is_null(); }
  bool in_handler() const { return in_handler_; }
  /// Fails the statement as a whole.
  [[noreturn]] void fail(const std::string& problem) const { p_.fail(where_, problem); }

  std::string string(std::string_view f) const { return p_.string_field(v_[f], at(f)); }
  name_ref variable(std::string_view f) const { return p_.variable(v_[f], at(f)); }
  name_ref coro_name(std::string_view f) { return p_.coro_name(v_[f], at(f)); }
  std::string task_name(std::string_view f) const {
    std::string n = string(f);
    check_task_name(n, f);
    return n;
  }
  /// Checks `name` as a task's name, taken from field `f`.
  void check_task_name(const std::string& name, std::string_view f) const { p_.check_task_name(name, at(f)); }
  std::string log_message(std::string_view f, std::vector<name_ref>& vars) const {
    return p_.log_message(v_[f], at(f), vars);
  }
  std::string exception_kind(std::string_view f, bool for_raise) const {
    return p_.exception_kind(v_[f], at(f), for_raise);
  }
  /// A string that must be one of `options`.
  std::string choice(std::string_view f, std::initializer_list<std::string_view> options, const char* problem) const {
    std::string s = string(f);
    if (std::find(options.begin(), options.end(), s) == options.end()) p_.fail(at(f), problem);
    return s;
  }
  std::int64_t integer(std::string_view f) const { return p_.integer(v_[f], at(f)); }
  std::optional<std::int64_t> ticks(std::string_view f, bool nullable) const { return p_.ticks(v_[f], at(f), nullable); }
  bool boolean(std::string_view f) const { return p_.boolean(v_[f], at(f)); }
  operand value(std::string_view f) const { return p_.parse_operand(v_[f], at(f)); }
  awaitable_ref awaitable(std::string_view f) { return p_.parse_awaitable(v_[f], at(f)); }
  /// A list of awaitables (`tasks_only`: {"task": VAR} each, as wait takes).
  std::vector<awaitable_ref> awaitables(std::string_view f, bool tasks_only) {
    const json& items = v_[f];
    if (!items.is_array()) p_.fail(at(f), "items must be a list of awaitables");
    std::vector<awaitable_ref> out;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string iw = at(f) + "/" + std::to_string(i);
      awaitable_ref a = p_.parse_awaitable(items[i], iw);
      if (tasks_only && !a.is_task) p_.fail(iw, "wait takes tasks only ({\"task\": VAR})");
      out.push_back(std::move(a));
    }
    return out;
  }
  scenario::body body(std::string_view f) { return p_.parse_body(v_[f], at(f), depth_ + 1, in_handler_); }
  std::vector<handler> handlers(std::string_view f) { return p_.parse_handlers(v_[f], at(f), depth_ + 1); }

 private:
  std::string at(std::string_view f) const { return where_ + "/" + std::string(f); }

  parser& p_;
  const json& v_;
  const std::string& where_;
  std::size_t depth_;
  bool in_handler_;
};

statement parser::parse_statement(const json& v, const std::string& where, std::size_t depth, bool in_handler) {
  if (++statements_ > lim_.max_statements)
    fail(where, "too many statements (the limit is " + std::to_string(lim_.max_statements) + ")");
  if (!v.is_object()) fail(where, "a statement must be an object with an 'op'");
  if (!v.contains("op")) fail(where, "missing field 'op'");
  std::string name = string_field(v["op"], where + "/op");
  const op_entry* e = find_op(name);
  if (!e) fail(where + "/op", "unknown op '" + shown(name) + "'");
  for (auto& [key, _] : v.items())
    if (key != "op" && !takes_field(*e->fields, key))
      fail(where + "/" + escape_pointer_token(shown(key)), "unknown field '" + shown(key) + "' for op '" + name + "'");
  for (std::string_view f : e->fields->required)
    if (!f.empty() && !v.contains(f)) fail(where, "missing field '" + std::string(f) + "' for op '" + name + "'");
  op_reader r(*this, v, where, depth, in_handler);
  return statement{where, e->read(r)};
}

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
