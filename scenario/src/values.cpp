#include "values.hpp"

#include <algorithm>

#include "exceptions.hpp"

namespace weft::scenario::impl {

bool value_less::operator()(const value& a, const value& b) const {
  if (auto x = as_int(a), y = as_int(b); x && y) return *x < *y;
  auto* x = std::get_if<text>(&a.v);
  auto* y = std::get_if<text>(&b.v);
  if (x && y) return **x < **y;
  throw incomparable{"a PriorityQueue cannot order these values (Python raises TypeError)"};
}

const char* type_name(const value& v) {
  struct visitor {
    const char* operator()(std::monostate) const { return "None"; }
    const char* operator()(bool) const { return "an integer"; }
    const char* operator()(std::int64_t) const { return "an integer"; }
    const char* operator()(const text&) const { return "a string"; }
    const char* operator()(const weft::task<value>&) const { return "a task"; }
    const char* operator()(const std::exception_ptr&) const { return "an exception"; }
    const char* operator()(const list_ptr&) const { return "a list"; }
    const char* operator()(const task_set&) const { return "a set of tasks"; }
    const char* operator()(const primitive_ptr&) const { return "a primitive"; }
  };
  return std::visit(visitor{}, v.v);
}

std::string render_task_state(const weft::task<value>& t) {
  if (!t.done()) return "pending";
  if (t.cancelled()) return "cancelled";
  if (std::exception_ptr e = t.exception()) return "raised " + render_exception(e);
  return "result " + render(const_cast<weft::task<value>&>(t).result());
}

namespace {

void check_render_size(std::size_t n) {
  if (n > max_render_bytes)
    throw over_limit{"a value renders longer than " + std::to_string(max_render_bytes) + " bytes"};
}

}  // namespace

std::string render(const value& v) {
  struct visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(const text& s) const { return *s; }
    std::string operator()(const weft::task<value>& t) const { return "<" + t.get_name() + ">"; }
    std::string operator()(const std::exception_ptr& e) const { return render_exception(e); }
    std::string operator()(const list_ptr& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l->items.size(); ++i) {
        out += (i ? ", " : "") + render(l->items[i]);
        check_render_size(out.size());
      }
      return out + "]";
    }
    std::string operator()(const task_set& set) const {
      std::vector<std::string> names;
      for (const auto& t : set.tasks) names.push_back(t.get_name());
      std::sort(names.begin(), names.end());  // code-point order (byte order of UTF-8)
      std::string out = "{";
      for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
      check_render_size(out.size());
      return out + "}";
    }
    std::string operator()(const primitive_ptr&) const { throw unrenderable{}; }
  };
  return std::visit(visitor{}, v.v);
}

namespace {

bool equal_within(const value& a, const value& b, std::uint64_t& budget) {
  if (budget-- == 0)
    throw over_limit{"comparing two values visits more than " + std::to_string(max_compared) + " elements"};
  if (auto x = as_int(a), y = as_int(b); x && y) return *x == *y;
  if (a.v.index() != b.v.index()) return false;
  if (auto* s = std::get_if<text>(&a.v)) return **s == *std::get<text>(b.v);
  if (std::holds_alternative<std::monostate>(a.v)) return true;
  if (auto* t = std::get_if<weft::task<value>>(&a.v)) return *t == std::get<weft::task<value>>(b.v);
  if (auto* e = std::get_if<std::exception_ptr>(&a.v)) return *e == std::get<std::exception_ptr>(b.v);
  if (auto* p = std::get_if<primitive_ptr>(&a.v)) return *p == std::get<primitive_ptr>(b.v);
  if (auto* ts = std::get_if<task_set>(&a.v)) {
    // Python set equality: same members
    auto& other = std::get<task_set>(b.v).tasks;
    if (ts->tasks.size() != other.size()) return false;
    for (const auto& t : ts->tasks)
      if (std::find(other.begin(), other.end(), t) == other.end()) return false;
    return true;
  }
  const list_ptr& pa = std::get<list_ptr>(a.v);
  const list_ptr& pb = std::get<list_ptr>(b.v);
  if (pa == pb) return true;  // the same list (Python compares identity first)
  auto& la = pa->items;
  auto& lb = pb->items;
  if (la.size() != lb.size()) return false;
  for (std::size_t i = 0; i < la.size(); ++i)
    if (!equal_within(la[i], lb[i], budget)) return false;
  return true;
}

}  // namespace

bool equal(const value& a, const value& b) {
  std::uint64_t budget = max_compared;
  return equal_within(a, b, budget);
}

}  // namespace weft::scenario::impl
