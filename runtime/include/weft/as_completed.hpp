#pragma once
/// weft::as_completed: asyncio.as_completed (3.13).

#include <memory>
#include <optional>
#include <ranges>
#include <vector>

#include "weft/detail/awaitables.hpp"
#include "weft/event_loop.hpp"
#include "weft/future.hpp"
#include "weft/queue.hpp"

namespace weft {

/// What as_completed returns: `while (it.has_next()) { auto f = co_await it.next(); }`
/// yields each future as it finishes (asyncio's `async for f in as_completed(...)`).
template <class T>
class as_completed_iterator {
 public:
  /// True while some futures have not been yielded yet.
  bool has_next() const noexcept { return s_->todo_left > 0; }

  /// The next future to finish (done when returned). Throws timeout_error
  /// once the timeout passed, and std::out_of_range if nothing is left.
  coro<future<T>> next() {
    if (s_->todo_left == 0) throw std::out_of_range("as_completed: no futures left");
    --s_->todo_left;
    auto s = s_;  // _wait_for_one
    std::optional<future<T>> f = co_await s->done.get();
    if (!f) throw timeout_error();
    co_return std::move(*f);
  }

  /// as_completed's constructor (use weft::as_completed).
  as_completed_iterator(std::vector<future<T>> todo, std::optional<duration> timeout) : s_(std::make_shared<state>()) {
    s_->todo = std::move(todo);
    s_->todo_left = s_->todo.size();
    for (auto& f : s_->todo)
      s_->ids.push_back(f.state()->add_done_callback([s = std::weak_ptr<state>(s_)](detail::future_base* done) {
        if (auto st = s.lock()) st->completed(done);
      }));
    if (!s_->todo.empty() && timeout)
      s_->timeout_handle = get_running_loop().call_later(*timeout, [s = std::weak_ptr<state>(s_)] {
        if (auto st = s.lock()) st->timed_out();
      });
  }

 private:
  struct state {
    queue<std::optional<future<T>>> done;
    std::vector<future<T>> todo;
    std::vector<std::uint64_t> ids;  // the completion callback on each of todo
    timer_handle timeout_handle;
    std::size_t todo_left = 0;

    void timed_out() {  // _handle_timeout
      for (std::size_t i = 0; i < todo.size(); ++i) {
        todo[i].state()->remove_done_callback(ids[i]);
        done.put_nowait(std::nullopt);
      }
      todo.clear();
      ids.clear();
    }
    void completed(detail::future_base* f) {  // _handle_completion
      if (todo.empty()) return;
      for (std::size_t i = 0; i < todo.size(); ++i)
        if (todo[i].state() == f) {
          done.put_nowait(todo[i]);
          todo.erase(todo.begin() + static_cast<std::ptrdiff_t>(i));
          ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      if (todo.empty()) timeout_handle.cancel();
    }
  };
  std::shared_ptr<state> s_;
};

/// asyncio.as_completed(aws, timeout=...): futures in the order they finish
/// (coroutines are wrapped in tasks; repeats count once). Past `timeout`, each
/// remaining next() throws timeout_error.
template <std::ranges::input_range Range>
  requires detail::gatherable<std::ranges::range_value_t<Range>>
as_completed_iterator<detail::arg_result_t<std::ranges::range_value_t<Range>>> as_completed(
    Range&& aws, std::optional<duration> timeout = std::nullopt) {
  using T = detail::arg_result_t<std::ranges::range_value_t<Range>>;
  std::vector<future<T>> todo;
  for (auto&& a : aws) {
    future<T> f(detail::ensure_future(std::move(a)));
    if (std::find(todo.begin(), todo.end(), f) == todo.end()) todo.push_back(std::move(f));
  }
  return as_completed_iterator<T>(std::move(todo), timeout);
}

}  // namespace weft
