// Tests of weft::wait (wait.hpp), asyncio.wait: FIRST_COMPLETED,
// FIRST_EXCEPTION, ALL_COMPLETED, timeouts (0 included, which still uses a
// timer), the done and pending contents, a cancelled wait, and an empty input.
// Every ordering test has a CPython twin in tests/reference/wait_*.py, whose
// output (wait_*.out) is the expectation. CPython returns sets, printed sorted
// by name; weft returns vectors in input order, and the inputs here are named
// in alphabetical order, so the two agree.

#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
using weft_test::task_name;

/// "[a b c]": the tasks' names, as the twins print a set.
std::string names(const std::vector<weft::task<int>>& fs) {
  std::string out;
  for (const auto& f : fs) out += (out.empty() ? "" : " ") + f.get_name();
  return "[" + out + "]";
}

// ---- return_when ---------------------------------------------------------------

/// The log, and a task that sleeps `delay`, logs "NAME raises" and raises
/// ValueError("boom").
struct failing_program {
  weft_test::event_log ev;

  weft::coro<int> fail(weft::duration delay) {
    co_await weft::sleep(delay);
    ev(task_name() + " raises");
    throw std::invalid_argument("boom");
  }
};

struct first_completed {
  weft_test::event_log ev;

  weft::coro<void> late_ticker() {
    co_await weft::sleep(1s);
    co_await weft_test::ticker(ev, 3);
  }

  weft::coro<void> main_coro() {
    auto tick = weft::create_task(late_ticker(), {.name = "ticker"});
    auto a = weft::create_task(weft_test::work(ev, 3s), {.name = "a"});
    auto b = weft::create_task(weft_test::work(ev, 1s), {.name = "b"});
    auto c = weft::create_task(weft_test::work(ev, 2s), {.name = "c"});
    const weft::wait_options first{.when = weft::return_when::first_completed};
    std::vector<weft::task<int>> fs{a, b, c, b};
    auto r = co_await weft::wait(fs, first);
    ev("done " + names(r.done) + " pending " + names(r.pending) + " cancelled " + py(a.cancelled()) + " " +
       py(c.cancelled()));
    std::vector<weft::task<int>> fs2{a, b, c};
    r = co_await weft::wait(fs2, first);
    ev("already done returns after a hop " + names(r.done) + " pending " + names(r.pending));
    co_await tick;
    std::vector<weft::task<int>> fs3{a, c};
    r = co_await weft::wait(fs3, first);
    ev("done " + names(r.done) + " pending " + names(r.pending));
  }
};

TEST(WaitTest, FirstCompletedReturnsAfterTheFirstDone) {
  weft_test::run_and_compare<first_completed>("wait_first_completed");
}

struct first_exception : failing_program {
  weft::coro<void> main_coro() {
    auto a = weft::create_task(weft_test::work(ev, 4s), {.name = "a"});
    auto b = weft::create_task(weft_test::work(ev, 1s), {.name = "b"});
    auto c = weft::create_task(fail(3s), {.name = "c"});
    auto d = weft::create_task(weft_test::work(ev, 2s), {.name = "d"});
    weft::get_running_loop().call_later(500ms, [d] { d.cancel(); });
    const weft::wait_options opts{.when = weft::return_when::first_exception};
    std::vector<weft::task<int>> fs{a, b, c, d};
    auto r = co_await weft::wait(fs, opts);
    ev("done " + names(r.done) + " pending " + names(r.pending));
    ev("c raised " + weft_test::py_type(c.exception()) + " d cancelled " + py(d.cancelled()));
    std::vector<weft::task<int>> fs2{a};
    r = co_await weft::wait(fs2, opts);
    ev("done " + names(r.done) + " pending " + names(r.pending));
  }
};

TEST(WaitTest, FirstExceptionIgnoresCancellation) {
  weft_test::run_and_compare<first_exception>("wait_first_exception");
}

struct all_completed : failing_program {
  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto a = weft::create_task(weft_test::work(ev, 2s), {.name = "a"});
    auto b = weft::create_task(fail(1s), {.name = "b"});
    weft::future<int> f(loop);
    loop.call_later(3s, [this, f] {
      ev("f set");
      f.set_result(9);
    });
    std::vector<weft::any_future> fs{a, b, f, a};
    auto r = co_await weft::wait(fs);
    ev("done " + std::to_string(r.done.size()) + " pending " + std::to_string(r.pending.size()));
    EXPECT_TRUE(r.done == (std::vector<weft::any_future>{a, b, f})) << "done keeps the input order";
    ev("a " + std::to_string(a.result()) + " b " + weft_test::py_type(b.exception()) + " f " +
       std::to_string(f.result()));
  }
};

TEST(WaitTest, AllCompletedWaitsForEveryFutureAndRaisesNothing) {
  weft_test::run_and_compare<all_completed>("wait_all_completed");
}

// ---- timeouts ----------------------------------------------------------------

struct timeout {
  weft_test::event_log ev;

  weft::coro<void> waiter(std::vector<weft::task<int>> fs) {
    try {
      co_await weft::wait(fs);
    } catch (const weft::cancelled_error&) {
      ev("waiter cancelled");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(weft_test::work(ev, 1s), {.name = "a"});
    auto b = weft::create_task(weft_test::work(ev, 2s), {.name = "b"});
    auto c = weft::create_task(weft_test::work(ev, 3s), {.name = "c"});
    std::vector<weft::task<int>> fs{a, b, c};
    const weft::wait_options short_timeout{.timeout = 1500ms};
    auto r = co_await weft::wait(fs, short_timeout);
    ev("done " + names(r.done) + " pending " + names(r.pending));
    std::vector<weft::task<int>> fs2{b, c};
    const weft::wait_options long_timeout{.timeout = 10s};
    r = co_await weft::wait(fs2, long_timeout);
    ev("done " + names(r.done) + " pending " + names(r.pending));
    auto d = weft::create_task(weft_test::work(ev, 2s), {.name = "d"});
    std::vector<weft::task<int>> fs3{d};
    auto w = weft::create_task(waiter(fs3));
    co_await weft::sleep(1s);
    w.cancel();
    co_await weft::sleep(0s);
    ev("d cancelled " + py(d.cancelled()));
    co_await d;
  }
};

TEST(WaitTest, TimeoutLeavesTheRestPendingAndRunning) {
  weft_test::run_and_compare<timeout>("wait_timeout");
}

struct timeout_zero {
  weft_test::event_log ev;

  weft::coro<int> work(weft::duration delay) {
    co_await weft::sleep(delay);
    co_return 0;
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(work(1s), {.name = "a"});
    auto b = weft::create_task(work(0s), {.name = "b"});
    auto t = weft::create_task(weft_test::ticker(ev, 3));
    ev("waiting");
    std::vector<weft::task<int>> fs{a, b};
    const weft::wait_options zero{.timeout = 0s};
    auto r = co_await weft::wait(fs, zero);
    ev("done " + names(r.done) + " pending " + names(r.pending));
    co_await weft::sleep(0s);
    ev("b done " + py(b.done()));
    r = co_await weft::wait(fs, zero);
    ev("done " + names(r.done) + " pending " + names(r.pending));
    co_await t;
    co_await a;
  }
};

TEST(WaitTest, TimeoutZeroUsesATimer) {
  weft_test::run_and_compare<timeout_zero>("wait_timeout_zero");
}

// ---- misuse ------------------------------------------------------------------

TEST(WaitTest, EmptyInputThrowsInvalidArgument) {
  auto main_coro = []() -> weft::coro<std::string> {
    std::vector<weft::task<int>> none;
    try {
      co_await weft::wait(none);
    } catch (const std::invalid_argument& e) {
      co_return e.what();
    }
    co_return "no exception";
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), "Set of Tasks/Futures is empty.");
}

}  // namespace
