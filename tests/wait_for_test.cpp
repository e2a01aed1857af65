// Tests of weft::wait_for (wait_for.hpp), asyncio.wait_for as of 3.13: a
// coroutine runs inside the caller's task for no timeout or a positive one,
// and is wrapped in a task (cancelled unless it finished eagerly) for a timeout
// <= 0; the timeout firing; an awaitable that swallows the cancellation;
// results and exceptions; a timeout at the same tick as the completion; and an
// outside cancellation of the caller. Every ordering test has a CPython twin in
// tests/reference/waitfor_*.py, whose output (waitfor_*.out) is the expectation.

#include <optional>
#include <stdexcept>
#include <string>

#include "reference.hpp"
#include "text.hpp"
#include "warnings.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::cancelling;
using weft_test::py;
using weft_test::task_name;

// ---- where the coroutine runs --------------------------------------------------

struct in_caller {
  weft_test::event_log ev;

  weft::coro<std::string> body(std::string label, weft::duration delay) {
    ev(label + " runs in " + task_name());
    co_await weft::sleep(delay);
    co_return label;
  }

  weft::coro<std::string> quick(std::string label) {
    ev(label + " runs in " + task_name());
    co_return label;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    ev("main is " + task_name());
    std::string r = co_await weft::wait_for(body("none", 1s), std::nullopt);
    ev("result " + r);
    r = co_await weft::wait_for(body("positive", 1s), 5s);
    ev("result " + r);
    const char* const labels[] = {"zero", "negative"};
    const weft::duration timeouts[] = {0s, -1s};
    for (int i = 0; i < 2; ++i) {
      try {
        co_await weft::wait_for(body(labels[i], 1s), timeouts[i]);
      } catch (const weft::timeout_error&) {
        ev(std::string(labels[i]) + " timed out");
      }
    }
    loop.set_task_factory(weft::eager_task_factory);
    r = co_await weft::wait_for(quick("eager"), 0s);
    ev("result " + r);
    try {
      co_await weft::wait_for(body("eager suspends", 1s), 0s);
    } catch (const weft::timeout_error&) {
      ev("eager suspends timed out");
    }
    loop.set_task_factory({});
    auto t = weft::create_task(quick("done task"));
    co_await weft::sleep(0s);
    r = co_await weft::wait_for(t, 0s);
    ev("result " + r);
    ev("main cancelling " + cancelling());
  }
};

TEST(WaitForTest, CoroutineRunsInCallerTaskUnlessTimeoutIsNotPositive) {
  weft_test::captured_warnings warnings;
  weft_test::run_and_compare<in_caller>("waitfor_inline");
  EXPECT_TRUE(warnings.messages().empty()) << "a coroutine cancelled before it ran is not 'never awaited': "
                                           << testing::PrintToString(warnings.messages());
}

// ---- the timeout fires ----------------------------------------------------------

struct fires {
  weft_test::event_log ev;

  weft::coro<void> slow(std::string label) {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(label + " cancelled in " + task_name());
      throw;
    }
  }

  weft::coro<void> main_coro() {
    try {
      co_await weft::wait_for(slow("coroutine"), 1s);
    } catch (const weft::timeout_error&) {
      ev("coroutine timed out, main cancelling " + cancelling());
    }
    auto t = weft::create_task(slow("task"), {.name = "inner"});
    try {
      co_await weft::wait_for(t, 1s);
    } catch (const weft::timeout_error&) {
      ev("task timed out, cancelled " + py(t.cancelled()) + " main cancelling " + cancelling());
    }
  }
};

TEST(WaitForTest, TimeoutCancelsAndRaisesTimeoutError) {
  weft_test::run_and_compare<fires>("waitfor_timeout");
}

struct swallow {
  weft_test::event_log ev;

  weft::coro<std::string> stubborn(std::string label) {
    bool cancelled = false;
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev(label + " swallows the cancellation");
      cancelled = true;
    }
    if (cancelled) co_await weft::sleep(1s);
    co_return label;
  }

  weft::coro<void> main_coro() {
    std::string r = co_await weft::wait_for(stubborn("coroutine"), 1s);
    ev("result " + r);
    ev("main cancelling " + cancelling());
    auto t = weft::create_task(stubborn("task"));
    r = co_await weft::wait_for(t, 1s);
    ev("result " + r);
    auto t2 = weft::create_task(stubborn("task zero"));
    co_await weft::sleep(0s);
    r = co_await weft::wait_for(t2, 0s);
    ev("result " + r);
    ev("main cancelling " + cancelling());
  }
};

TEST(WaitForTest, SwallowedCancellationReturnsTheValue) {
  weft_test::run_and_compare<swallow>("waitfor_swallow");
}

// ---- results and exceptions ------------------------------------------------------

struct results {
  weft_test::event_log ev;

  weft::coro<int> value(int v, weft::duration delay) {
    co_await weft::sleep(delay);
    co_return v;
  }

  weft::coro<int> fail(weft::duration delay) {
    co_await weft::sleep(delay);
    throw std::invalid_argument("boom");
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    int r = co_await weft::wait_for(value(1, 1s), 2s);
    ev("coroutine " + std::to_string(r));
    auto t = weft::create_task(value(2, 1s));
    r = co_await weft::wait_for(t, 2s);
    ev("task " + std::to_string(r));
    weft::future<int> f(loop);
    loop.call_later(1s, [f] { f.set_result(3); });
    r = co_await weft::wait_for(f, 2s);
    ev("future " + std::to_string(r));
    try {
      co_await weft::wait_for(fail(1s), 2s);
    } catch (const std::invalid_argument& e) {
      ev(std::string("coroutine raised ValueError ") + e.what());
    }
    auto t2 = weft::create_task(fail(1s));
    try {
      co_await weft::wait_for(t2, std::nullopt);
    } catch (const std::invalid_argument& e) {
      ev(std::string("task raised ValueError ") + e.what());
    }
    auto t3 = weft::create_task(fail(0s));
    co_await weft::sleep(0s);
    co_await weft::sleep(0s);
    try {
      co_await weft::wait_for(t3, 0s);
    } catch (const std::invalid_argument& e) {
      ev(std::string("done task raised ValueError ") + e.what());
    }
  }
};

TEST(WaitForTest, ReturnsResultAndPropagatesException) {
  weft_test::run_and_compare<results>("waitfor_result");
}

// ---- equal deadlines ---------------------------------------------------------------

struct equal_deadline {
  weft_test::event_log ev;

  weft::coro<std::string> sleeper(std::string label, weft::duration delay) {
    try {
      co_await weft::sleep(delay);
    } catch (const weft::cancelled_error&) {
      ev(label + " cancelled");
      throw;
    }
    ev(label + " finished");
    co_return label;
  }

  template <class A>
  weft::coro<void> attempt(std::string label, A aw, weft::duration timeout) {
    try {
      std::string r = co_await weft::wait_for(std::move(aw), timeout);
      ev(label + " result " + r);
    } catch (const weft::timeout_error&) {
      ev(label + " timed out");
    }
  }

  weft::coro<void> late_setter(weft::future<std::string> f) {
    co_await weft::sleep(0s);
    weft::get_running_loop().call_later(1s, [f] {
      if (!f.done()) f.set_result("set");
    });
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    co_await attempt("coroutine", sleeper("coroutine", 1s), 1s);
    auto t = weft::create_task(sleeper("task", 1s));
    co_await weft::sleep(0s);
    co_await attempt("task", t, 1s);
    weft::future<std::string> f(loop);
    loop.call_later(1s, [f] { f.set_result("set"); });
    co_await attempt("future first", f, 1s);
    weft::future<std::string> f2(loop);
    auto setter = weft::create_task(late_setter(f2));
    co_await attempt("future second", f2, 1s);
    ev("f cancelled " + py(f2.cancelled()));
  }
};

TEST(WaitForTest, TimeoutAtTheSameTickAsCompletion) {
  weft_test::run_and_compare<equal_deadline>("waitfor_equal_deadline");
}

// ---- an outside cancellation ----------------------------------------------------

struct cancel_outer {
  weft_test::event_log ev;

  /// Python's e.args of a CancelledError.
  std::string args(const weft::cancelled_error& e) { return e.message() ? "('" + *e.message() + "',)" : "()"; }

  weft::coro<void> slow(std::string label) {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error& e) {
      ev(label + " cancelled " + args(e));
      throw;
    }
  }

  template <class A>
  weft::coro<void> caller(A aw) {
    try {
      co_await weft::wait_for(std::move(aw), 5s);
    } catch (const weft::timeout_error&) {
      ev("caller timed out");
    } catch (const weft::cancelled_error&) {
      ev("caller got CancelledError, cancelling " + cancelling());
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto c = weft::create_task(caller(slow("coroutine")));
    co_await weft::sleep(1s);
    c.cancel("stop");
    try {
      co_await c;
    } catch (const weft::cancelled_error&) {
      ev("caller cancelled " + py(c.cancelled()));
    }
    auto inner = weft::create_task(slow("task"));
    auto c2 = weft::create_task(caller(inner));
    co_await weft::sleep(1s);
    c2.cancel();
    try {
      co_await c2;
    } catch (const weft::cancelled_error&) {
      ev("caller cancelled " + py(c2.cancelled()) + " inner cancelled " + py(inner.cancelled()));
    }
  }
};

TEST(WaitForTest, OutsideCancelPropagatesCancelledErrorNotTimeout) {
  weft_test::run_and_compare<cancel_outer>("waitfor_cancel_outer");
}

}  // namespace
