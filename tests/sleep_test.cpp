// Tests of weft::sleep (sleep.hpp): sleep(0) is one bare yield, sleep(d) is a
// timer on the loop's clock, sleep(d, value) returns value, a cancelled sleep
// cancels its timer. Ordering tests have a CPython twin in
// tests/reference/sleep_*.py; times are checked exactly on the virtual clock.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

weft::time_point at(weft::duration d) { return weft::time_point(d); }

std::string ms_text(weft::duration d) {
  // Python's repr of the float delays used in the twin programs.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000);
  std::string frac = std::to_string(ms % 1000);
  frac = std::string(3 - frac.size(), '0') + frac;
  while (frac.back() == '0') frac.pop_back();
  return std::to_string(ms / 1000) + "." + frac;
}

// ---- sleep(0) --------------------------------------------------------------

struct fairness {
  weft_test::event_log ev;

  weft::coro<void> spinner(std::string name, int rounds) {
    co_await weft_test::ticker(ev, rounds, 0s, name);
    ev(name + " done");
  }

  void tick(weft::event_loop& loop, int i) {
    ev("tick " + std::to_string(i));
    if (i < 4) loop.call_soon([this, &loop, i] { tick(loop, i + 1); });
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto a = weft::create_task(spinner("a", 4));
    auto b = weft::create_task(spinner("b", 3));
    loop.call_soon([this, &loop] { tick(loop, 0); });
    ev("main yields");
    co_await weft::sleep(0s);
    ev("main resumed");
    co_await a;
    ev("main after a");
    co_await b;
    ev("main after b");
  }
};

TEST(SleepTest, SleepZeroInterleavesStrictly) {
  weft_test::run_and_compare<fairness>("sleep_zero_fairness");
}

TEST(SleepTest, SleepZeroIsOneIterationWithoutTimer) {
  // Each sleep(0) puts exactly one step on the ready queue and no timer, and
  // leaves the clock where it was.
  auto body = []() -> weft::coro<void> {
    weft::event_loop& loop = weft::get_running_loop();
    co_await weft::sleep(250ms);
    int ticks = 0;
    std::function<void()> tick = [&] {
      if (++ticks < 100) loop.call_soon(tick);
    };
    loop.call_soon(tick);
    for (int i = 1; i <= 100; ++i) {
      co_await weft::sleep(0s);
      EXPECT_EQ(ticks, i);
      EXPECT_EQ(loop.timer_count(), 0u);
      EXPECT_EQ(loop.time(), at(250ms));
    }
  };
  weft_test::run_virtual(body());
}

// ---- sleep(d) ----------------------------------------------------------------

struct timings {
  weft_test::event_log ev;

  weft::coro<void> sleeper(std::string name, std::vector<weft::duration> delays) {
    for (weft::duration d : delays) {
      co_await weft::sleep(d);
      ev(name + " woke after " + ms_text(d));
    }
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto a = weft::create_task(sleeper("a", {10ms, 1500ms, 250ms}));
    auto b = weft::create_task(sleeper("b", {1s, 500ms, 1ms}));
    auto c = weft::create_task(sleeper("c", {750ms, 750ms, 750ms}));
    co_await weft::sleep(2s);
    EXPECT_EQ(loop.time(), at(2s));
    ev("main woke");
    co_await a;
    EXPECT_EQ(loop.time(), at(2s));  // a ended at 1.76 s, before main woke: no wait
    co_await b;
    co_await c;
    EXPECT_EQ(loop.time(), at(2250ms));
    ev("main done");
  }
};

TEST(SleepTest, SleepWakesAtExactVirtualDeadlines) {
  weft_test::run_and_compare<timings>("sleep_timings");
}

TEST(SleepTest, LoopTimeIsExactAfterManySleeps) {
  // Integer nanoseconds: ten sleeps of 100 ms add up to exactly one second,
  // and odd delays are not rounded.
  auto body = []() -> weft::coro<void> {
    weft::event_loop& loop = weft::get_running_loop();
    for (int i = 0; i < 10; ++i) co_await weft::sleep(100ms);
    EXPECT_EQ(loop.time(), at(1s));
    co_await weft::sleep(1ns);
    EXPECT_EQ(loop.time(), at(1s + 1ns));
    co_await weft::sleep(std::chrono::microseconds(333));
    EXPECT_EQ(loop.time(), at(1s + 1ns + 333us));
    co_await weft::sleep(std::chrono::minutes(2));
    EXPECT_EQ(loop.time(), at(121s + 1ns + 333us));
  };
  weft_test::run_virtual(body());
}

struct long_sleep {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    ev("start");
    co_await weft::sleep(1h);
    EXPECT_EQ(loop.time(), at(3600s));
    EXPECT_EQ(loop.time().time_since_epoch(), std::chrono::nanoseconds(3'600'000'000'000));
    ev("after one hour");
    for (int i = 0; i < 10; ++i) co_await weft::sleep(100ms);
    EXPECT_EQ(loop.time(), at(3601s));
    ev("after ten sleeps of 100ms");
    co_await weft::sleep(24h - 3601s);
    EXPECT_EQ(loop.time(), at(24h));
    ev("after a day");
  }
};

TEST(SleepTest, OneHourSleepIsInstantOnVirtualClock) {
  // If the virtual clock slept for real this would hit the test timeout.
  weft_test::run_and_compare<long_sleep>("sleep_long");
}

TEST(SleepTest, SleepOnRealClockWaitsAtLeastTheDelay) {
  // With the default steady clock, the timer never fires early.
  auto body = []() -> weft::coro<weft::duration> {
    weft::event_loop& loop = weft::get_running_loop();
    const weft::time_point t0 = loop.time();
    co_await weft::sleep(20ms);
    co_return loop.time() - t0;
  };
  EXPECT_GE(weft::run(body()), 20ms);
}

// ---- sleep(d, value) --------------------------------------------------------

struct result {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    std::string r = co_await weft::sleep(1s, std::string("one"));
    ev("got " + r);
    int n = co_await weft::sleep(0s, 7);
    ev("got " + std::to_string(n));
    // A named vector: g++ 12 rejects a braced list inside a co_await operand
    // ("array used as initializer"), a compiler bug.
    std::vector<int> list{1, 2, 3};
    std::vector<int> v = co_await weft::sleep(500ms, std::move(list));
    ev("got [" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ", " + std::to_string(v[2]) + "]");
    const char* s = co_await weft::sleep(-1s, "negative");
    ev(std::string("got ") + s);
  }
};

TEST(SleepTest, SleepWithValueReturnsIt) {
  weft_test::run_and_compare<result>("sleep_result");
}

TEST(SleepTest, SleepWithMoveOnlyValue) {
  auto body = []() -> weft::coro<int> {
    std::unique_ptr<int> p = co_await weft::sleep(3s, std::make_unique<int>(5));
    std::unique_ptr<int> q = co_await weft::sleep(0s, std::make_unique<int>(6));
    EXPECT_EQ(weft::get_running_loop().time(), at(3s));
    co_return *p * *q;
  };
  EXPECT_EQ(weft_test::run_virtual(body()), 30);
}

TEST(SleepTest, ANamedSleepCanBeAwaitedTwice) {
  // weft::sleep returns the call, not its awaiter: each co_await of a named
  // one is a new sleep with the same delay and (copied) result.
  auto body = []() -> weft::coro<std::string> {
    auto nap = weft::sleep(2s, std::string("value"));
    std::string first = co_await nap;
    EXPECT_EQ(weft::get_running_loop().time(), at(2s));
    std::string second = co_await nap;
    EXPECT_EQ(weft::get_running_loop().time(), at(4s));
    co_return first + " " + second;
  };
  EXPECT_EQ(weft_test::run_virtual(body()), "value value");
}

TEST(SleepTest, CaughtReturnsTheCancellationInsteadOfThrowingIt) {
  auto body = []() -> weft::coro<void> {
    std::exception_ptr slept = co_await weft::sleep(1s).caught();
    EXPECT_FALSE(slept);
    EXPECT_EQ(weft::get_running_loop().time(), at(1s));
    auto napper = weft::create_task([]() -> weft::coro<int> {
      std::exception_ptr e = co_await weft::sleep(10s).caught();
      EXPECT_TRUE(e);
      try {
        std::rethrow_exception(e);
      } catch (const weft::cancelled_error& c) {
        EXPECT_STREQ(c.what(), "wake up");
      }
      co_return 7;  // the cancellation was handed back, not raised: the task goes on
    }());
    co_await weft::sleep(0s);
    napper.cancel("wake up");
    EXPECT_EQ(co_await napper, 7);
    EXPECT_EQ(weft::get_running_loop().time(), at(1s));
    EXPECT_EQ(weft::get_running_loop().timer_count(), 0u);  // the cancelled sleep's timer is gone
  };
  weft_test::run_virtual(body());
}

// ---- negative delays --------------------------------------------------------

struct negative {
  weft_test::event_log ev;

  weft::coro<void> spinner(std::string name, weft::duration delay, int rounds) {
    for (int i = 0; i < rounds; ++i) {
      ev(name + " " + std::to_string(i));
      co_await weft::sleep(delay);
      EXPECT_EQ(weft::get_running_loop().timer_count(), 0u);
    }
    ev(name + " done");
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(spinner("neg", -5s, 3));
    auto b = weft::create_task(spinner("zero", 0s, 3));
    co_await a;
    co_await b;
    ev("main done");
  }
};

TEST(SleepTest, NegativeDelayBehavesAsSleepZero) {
  weft_test::run_and_compare<negative>("sleep_negative");
}

// ---- equal deadlines --------------------------------------------------------

struct equal {
  weft_test::event_log ev;

  weft::coro<void> sleeper(std::string name, weft::duration delay) {
    ev(name + " sleeps " + ms_text(delay));
    co_await weft::sleep(delay);
    ev(name + " woke");
  }

  weft::coro<void> late(std::string name, weft::duration first, weft::duration second) {
    co_await weft::sleep(first);
    ev(name + " sleeps again " + ms_text(second));
    co_await weft::sleep(second);
    ev(name + " woke");
  }

  weft::coro<void> main_coro() {
    std::vector<weft::task<void>> tasks;
    for (const char* n : {"c", "a", "b"}) tasks.push_back(weft::create_task(sleeper(n, 1s)));
    tasks.push_back(weft::create_task(sleeper("x", 2s)));
    tasks.push_back(weft::create_task(late("y", 1s, 1s)));
    tasks.push_back(weft::create_task(late("z", 500ms, 1500ms)));
    for (auto& t : tasks) co_await t;
    ev("main done");
  }
};

TEST(SleepTest, EqualDeadlinesWakeInSchedulingOrder) {
  weft_test::run_and_compare<equal>("sleep_equal_deadlines");
}

// ---- cancellation -------------------------------------------------------------

struct cancel {
  weft_test::event_log ev;

  weft::coro<void> sleeper(std::string name, weft::duration delay) {
    try {
      co_await weft::sleep(delay);
      ev(name + " woke");
    } catch (const weft::cancelled_error& e) {
      ev(name + " cancelled: " + e.message().value_or(""));
      throw;
    }
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto t = weft::create_task(sleeper("long", 10s));
    auto u = weft::create_task(sleeper("short", 5s));
    co_await weft::sleep(1s);
    ev("timers " + std::to_string(loop.timer_count()));
    ev("cancel " + py(t.cancel("stop")));
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ev("main saw the cancellation " + py(t.cancelled()));
    }
    ev("timers " + std::to_string(loop.timer_count()));
    co_await u;
    ev("timers " + std::to_string(loop.timer_count()));
    co_await weft::sleep(0s);
    ev("timers " + std::to_string(loop.timer_count()));
    co_await weft::sleep(2s);
    EXPECT_EQ(loop.time(), at(7s));
    ev("main woke");
  }
};

TEST(SleepTest, CancelledSleepCancelsItsTimer) {
  weft_test::run_and_compare<cancel>("sleep_cancel");
}

TEST(SleepTest, CancelledSleepNeverRunsLater) {
  // Many cancelled sleeps: none of their timers fires, the clock never moves
  // to their deadlines, and the heap is cleaned up.
  auto body = []() -> weft::coro<void> {
    weft::event_loop& loop = weft::get_running_loop();
    int woke = 0;
    auto sleeper = [&woke](weft::duration d) -> weft::coro<void> {
      co_await weft::sleep(d);
      ++woke;
    };
    std::vector<weft::task<void>> tasks;
    for (int i = 1; i <= 300; ++i) tasks.push_back(weft::create_task(sleeper(std::chrono::seconds(100 + i))));
    co_await weft::sleep(0s);  // every sleeper is now waiting on its timer
    EXPECT_EQ(loop.timer_count(), 300u);
    for (auto& t : tasks) t.cancel();
    for (auto& t : tasks) {
      try {
        co_await t;
      } catch (const weft::cancelled_error&) {
      }
    }
    EXPECT_EQ(woke, 0);
    EXPECT_EQ(loop.time(), at(0s));
    co_await weft::sleep(0s);
    EXPECT_EQ(loop.timer_count(), 0u);
    co_await weft::sleep(1s);
    EXPECT_EQ(loop.time(), at(1s));
    EXPECT_EQ(woke, 0);
  };
  weft_test::run_virtual(body());
}

struct cancel_zero {
  weft_test::event_log ev;

  weft::coro<void> spinner() {
    int i = 0;
    try {
      while (true) {
        ev("spin " + std::to_string(i));
        ++i;
        co_await weft::sleep(0s);
      }
    } catch (const weft::cancelled_error&) {
      ev("spinner cancelled after " + std::to_string(i));
      throw;
    }
  }

  weft::coro<std::string> self_cancel() {
    weft::current_task().cancel();
    ev("self_cancel requested");
    try {
      co_await weft::sleep(0s);
      ev("not reached");
    } catch (const weft::cancelled_error&) {
      ev("self_cancel got CancelledError");
    }
    co_return "survived";
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(spinner());
    co_await weft::sleep(0s);
    co_await weft::sleep(0s);
    ev("cancel " + py(t.cancel()));
    co_await weft::sleep(0s);
    ev("spinner done " + py(t.done()) + " " + py(t.cancelled()));
    std::string r = co_await weft::create_task(self_cancel());
    ev("self_cancel returned " + r);
  }
};

TEST(SleepTest, CancelDuringSleepZeroRaisesAtTheYield) {
  weft_test::run_and_compare<cancel_zero>("sleep_cancel_zero");
}

}  // namespace
