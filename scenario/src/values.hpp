#pragma once
/// The values a scenario computes, as Python would see them: rendering,
/// Python's ==, and the order a PriorityQueue keeps.

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <weft/weft.hpp>

namespace weft::scenario::impl {

struct value;
struct value_list;
using list_ptr = std::shared_ptr<const value_list>;
struct primitive;
using primitive_ptr = std::shared_ptr<primitive>;

/// wait()'s done or pending set: rendered as names in code-point order.
struct task_set {
  std::vector<weft::task<value>> tasks;
};

/// A str: immutable and shared, as Python's, so that a long string held in
/// many places (variables, lists, queues) is stored once.
using text = std::shared_ptr<const std::string>;
inline text make_text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

/// A value a scenario computes: None, bool, int, str, a task, an exception, a
/// list, a set of tasks, or a primitive (event, lock, queue, timeout, group).
struct value {
  std::variant<std::monostate, bool, std::int64_t, text, weft::task<value>, std::exception_ptr, list_ptr, task_set,
               primitive_ptr>
      v;
};

/// A list (gather's results, wait's pair). `depth` counts nested lists, so
/// that rendering, comparing and freeing never recurse without bound.
struct value_list {
  std::vector<value> items;
  std::size_t depth = 1;
};
inline constexpr std::size_t max_list_depth = 100;

/// Thrown by render and equal when a value is too large to render or to
/// compare within the run's limits (a list doubled into itself 40 times has
/// 2^40 leaves): the run ends as "limit reached", naming `what`.
struct over_limit {
  std::string what;
};
/// The longest rendering of one value.
inline constexpr std::size_t max_render_bytes = std::size_t{1} << 20;
/// The most elements one comparison visits.
inline constexpr std::uint64_t max_compared = 1000000;

/// Thrown by the priority queue's comparison for values Python cannot order.
struct incomparable {
  std::string what;
};

/// Python's < on the values a PriorityQueue orders.
struct value_less {
  bool operator()(const value& a, const value& b) const;
};

using value_queue = std::variant<weft::queue<value>, weft::lifo_queue<value>, weft::priority_queue<value, value_less>>;

/// A synchronisation primitive, timeout or task group held in a variable.
struct primitive {
  std::variant<weft::event, weft::lock, weft::semaphore, weft::bounded_semaphore, value_queue,
               std::unique_ptr<weft::timeout_scope>, weft::task_group>
      p;
  template <class T, class... A>
  static primitive_ptr make(A&&... a) {
    auto ptr = std::make_shared<primitive>();
    ptr->p.template emplace<T>(std::forward<A>(a)...);
    return ptr;
  }
};

/// The value as a Python int: an int, or a bool (True is 1); else nothing.
inline std::optional<std::int64_t> as_int(const value& x) {
  if (auto* i = std::get_if<std::int64_t>(&x.v)) return *i;
  if (auto* b = std::get_if<bool>(&x.v)) return *b ? 1 : 0;
  return std::nullopt;
}

/// What a value is, for messages ("an integer", "a list").
const char* type_name(const value& v);

/// Thrown by render for a primitive, which has no rendering: the caller
/// reports it as bad input.
struct unrenderable {};

/// The value as the trace shows it (Python's str, with tasks as <name>);
/// over_limit past max_render_bytes.
std::string render(const value& v);

/// A task's state as `state` and the end of a run show it.
std::string render_task_state(const weft::task<value>& t);

/// Python's ==, where True == 1; over_limit past max_compared elements.
bool equal(const value& a, const value& b);

}  // namespace weft::scenario::impl
