#pragma once
/// weft::task_group: asyncio.TaskGroup.

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "weft/coro.hpp"
#include "weft/detail/awaitables.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"
#include "weft/task.hpp"

namespace weft {

class task_group;

namespace detail {
template <class F>
using group_body_result = body_result<F, task_group>;
}  // namespace detail

/// asyncio.TaskGroup: tasks created in it are awaited when its body ends; the
/// first task to fail cancels the others (in creation order) and the parent
/// task, and the failures are raised together as an exception_group ("unhandled
/// errors in a TaskGroup"), in the order they happened. Enter it once, with run().
class task_group {
 public:
  task_group();
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;

  /// TaskGroup.create_task(coro, name=...): a task of this group. Throws
  /// std::runtime_error if the group was not entered, is finished, or is
  /// shutting down (the coroutine is then closed without running).
  template <class T>
  task<T> create_task(coro<T> c, std::optional<std::string_view> name = std::nullopt) {
    if (const char* why = refuse()) {
      c.close();
      throw std::runtime_error(std::string("TaskGroup ") + why);
    }
    task<T> t = loop().create_task(std::move(c), task_options{.name = name});
    adopt(t);
    return t;
  }

  /// `async with self: return await body(self)`: runs the body (a callable
  /// returning a weft awaitable, called with this group if it takes one), then
  /// waits for every task of the group. Throws std::runtime_error if entered before.
  template <class F>
  coro<typename detail::group_body_result<F>::type> run(F body) {
    return detail::run_in_scope(*this, std::move(body));
  }

  /// TaskGroup.__aenter__ (run() calls it).
  void enter();
  /// TaskGroup.__aexit__(exc): waits for the tasks; throws what asyncio raises
  /// (the exception_group, or a cancellation to propagate); returns normally
  /// when the body's own exception (if any) should propagate unchanged.
  coro<void> exit(std::exception_ptr exc);

 private:
  struct state;
  const char* refuse() const noexcept;
  event_loop& loop() const noexcept;
  void adopt(const any_task& t);
  std::shared_ptr<state> state_;
};

}  // namespace weft
