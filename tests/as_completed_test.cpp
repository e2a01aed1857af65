// Tests of weft::as_completed (as_completed.hpp), asyncio.as_completed as of
// 3.13 with async iteration: the given tasks in completion order, each once,
// futures already done after one loop iteration, and the timeout raising
// TimeoutError for each remaining step. Every ordering test has a CPython twin
// in tests/reference/ascompleted_*.py, whose output (ascompleted_*.out) is the
// expectation. The twins pass tasks, not coroutines: CPython wraps the
// coroutines of a set(), in an order that varies from run to run.

#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

/// The name of the task (one of `tasks`) behind a future as_completed returned.
std::string name_of(const weft::future<int>& f, const std::vector<weft::task<int>>& tasks) {
  for (const auto& t : tasks)
    if (t == f) return t.get_name();
  return "?";
}

struct order {
  weft_test::event_log ev;

  weft::coro<int> fail(weft::duration delay) {
    co_await weft::sleep(delay);
    throw std::invalid_argument("boom");
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(weft_test::work(ev, 3s), {.name = "a"});
    auto b = weft::create_task(weft_test::work(ev, 1s), {.name = "b"});
    auto c = weft::create_task(fail(2s), {.name = "c"});
    std::vector<weft::task<int>> all{a, b, c, b};
    auto it = weft::as_completed(all);
    int yielded = 0;
    while (it.has_next()) {
      weft::future<int> f = co_await it.next();
      ++yielded;
      try {
        int r = co_await f;
        ev("next " + name_of(f, all) + " result " + std::to_string(r));
      } catch (const std::invalid_argument& e) {
        ev("next " + name_of(f, all) + " raised ValueError " + e.what());
      }
    }
    EXPECT_EQ(yielded, 3) << "a repeated task is yielded once";
    auto d = weft::create_task(weft_test::work(ev, 0s), {.name = "d"});
    auto t = weft::create_task(weft_test::ticker(ev, 3));
    ev("again with a done task");
    std::vector<weft::task<int>> two{b, d};
    auto it2 = weft::as_completed(two);
    while (it2.has_next()) {
      weft::future<int> f = co_await it2.next();
      ev("next " + name_of(f, two));
    }
    co_await t;
  }
};

TEST(AsCompletedTest, YieldsInCompletionOrder) {
  weft_test::run_and_compare<order>("ascompleted_order");
}

struct timeout {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    auto a = weft::create_task(weft_test::work(ev, 1s), {.name = "a"});
    auto b = weft::create_task(weft_test::work(ev, 3s), {.name = "b"});
    auto c = weft::create_task(weft_test::work(ev, 5s), {.name = "c"});
    std::vector<weft::task<int>> all{a, b, c};
    auto it = weft::as_completed(all, 2s);
    for (int i = 0; i < 4; ++i) {
      if (!it.has_next()) {
        ev("no more");
        continue;
      }
      try {
        weft::future<int> f = co_await it.next();
        ev("next " + name_of(f, all));
      } catch (const weft::timeout_error&) {
        ev("TimeoutError, b done " + py(b.done()) + " cancelled " + py(b.cancelled()));
      }
    }
    int rb = co_await b;
    int rc = co_await c;
    ev("b result " + std::to_string(rb) + " c result " + std::to_string(rc));
  }
};

TEST(AsCompletedTest, TimeoutRaisesForEachRemainingStep) {
  weft_test::run_and_compare<timeout>("ascompleted_timeout");
}

// ---- API behaviour without a Python twin -------------------------------------

TEST(AsCompletedTest, EmptyInputHasNothingAndNextThrows) {
  auto main_coro = []() -> weft::coro<void> {
    std::vector<weft::task<int>> none;
    auto it = weft::as_completed(none, 1s);
    EXPECT_FALSE(it.has_next());
    EXPECT_THROW(co_await it.next(), std::out_of_range);
    // No timer was scheduled for an empty input (asyncio: `if todo and timeout`).
    EXPECT_EQ(weft::get_running_loop().timer_count(), 0u);
  };
  weft_test::run_virtual(main_coro());
}

weft::coro<int> seven() { co_return 7; }

TEST(AsCompletedTest, CoroutinesAreWrappedInTasks) {
  auto main_coro = []() -> weft::coro<int> {
    std::vector<weft::coro<int>> coros;
    coros.push_back(seven());
    auto it = weft::as_completed(std::move(coros));
    weft::future<int> f = co_await it.next();
    EXPECT_FALSE(it.has_next());
    co_return f.result();
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 7);
}

}  // namespace
