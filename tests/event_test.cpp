// Tests of weft::event (event.hpp), asyncio.Event: set() wakes every waiter in
// order one hop later, wait() on a set event does not suspend, clear(),
// is_set(), cancelled waiters, and the binding to one event loop. Every
// ordering test has a CPython twin in tests/reference/event_*.py, whose output
// (event_*.out) is the expectation.

#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

/// The log, and a waiter that logs before and after Event.wait().
struct event_program {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::event& e, std::string name) {
    ev(name + " waits");
    co_await e.wait();
    ev(name + " woke, is_set " + py(e.is_set()));
  }
};

struct set_wakes_all : event_program {
  weft::coro<void> main_coro() {
    weft::event e;
    weft::event_loop& loop = weft::get_running_loop();
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(waiter(e, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    ev("is_set before " + py(e.is_set()));
    e.set();
    loop.call_soon([this] { ev("callback queued after set"); });
    ev("is_set after " + py(e.is_set()));
    e.set();  // a second set() changes nothing
    co_await weft::sleep(0s);
    ev("main after sleep(0)");
    auto late = weft::create_task(waiter(e, "late"));
    for (auto& t : tasks) co_await t;
    co_await late;
    ev("done");
  }
};

TEST(EventTest, SetWakesAllWaitersInOrderOneHopLater) {
  weft_test::run_and_compare<set_wakes_all>("event_set_wakes_all");
}

struct wait_set {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event e;
    e.set();
    weft::get_running_loop().call_soon([this] { ev("callback"); });
    co_await e.wait();
    ev("first wait returned");
    co_await e.wait();
    ev("second wait returned");
    co_await weft::sleep(0s);
    ev("after sleep(0)");
  }
};

TEST(EventTest, WaitOnSetEventDoesNotSuspend) {
  weft_test::run_and_compare<wait_set>("event_wait_set");
}

struct clear : event_program {
  weft::coro<void> main_coro() {
    weft::event e;
    e.set();
    e.clear();
    ev("is_set " + py(e.is_set()));
    auto a = weft::create_task(waiter(e, "a"));
    auto b = weft::create_task(waiter(e, "b"));
    co_await weft::sleep(1s);
    e.set();
    e.clear();
    ev("set and cleared");
    co_await weft::sleep(1s);
    auto c = weft::create_task(waiter(e, "c"));
    co_await weft::sleep(1s);
    ev("c still waiting " + py(!c.done()));
    e.set();
    co_await c;
    ev("is_set " + py(e.is_set()));
    co_await a;
    co_await b;
  }
};

TEST(EventTest, ClearResetsFlagButWokenWaitersStillRun) {
  weft_test::run_and_compare<clear>("event_clear");
}

struct cancel_waiter {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::event& e, std::string name) {
    ev(name + " waits");
    try {
      co_await e.wait();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, is_set " + py(e.is_set()));
      throw;
    }
    ev(name + " woke");
  }

  weft::coro<void> main_coro() {
    weft::event e;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(weft::create_task(waiter(e, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    tasks[1].cancel();
    ev("cancelled w1");
    co_await weft::sleep(1s);
    e.set();
    tasks[2].cancel();
    ev("set, then cancelled w2");
    co_await weft_test::await_all(ev, tasks);
  }
};

TEST(EventTest, CancelledWaitersRaiseAndLeaveOthersAlone) {
  weft_test::run_and_compare<cancel_waiter>("event_cancel_waiter");
}

// ---- loop binding (no CPython twin: mixins._LoopBoundMixin raises
// RuntimeError(f'{self!r} is bound to a different event loop')) ----

weft::coro<void> wait_until_set_later(weft::event& e) {
  weft::get_running_loop().call_later(1s, [&e] { e.set(); });
  co_await e.wait();
}

TEST(EventTest, WaitFromASecondLoopThrows) {
  weft::virtual_clock c1, c2;
  weft::event_loop first({.clock = &c1});
  weft::event_loop second({.clock = &c2});  // both alive: distinct addresses
  weft::event e;
  first.run_until_complete(wait_until_set_later(e));
  EXPECT_TRUE(e.is_set());
  // Set: wait() returns before it looks at the loop, as asyncio's does.
  second.run_until_complete(e.wait());
  e.clear();
  try {
    second.run_until_complete(e.wait());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& x) {
    EXPECT_STREQ(x.what(), "Event is bound to a different event loop");
  }
}

TEST(EventTest, SetAndClearNeedNoLoop) {
  weft::event e;
  EXPECT_FALSE(e.is_set());
  e.set();
  EXPECT_TRUE(e.is_set());
  e.clear();
  EXPECT_FALSE(e.is_set());
}

}  // namespace
