// Tests of weft::condition (condition.hpp), asyncio.Condition: wait/notify
// order, notify(n), notify_all(), wait_for(predicate), a shared lock,
// cancellation in wait() (the lock is re-acquired first; a notification is
// passed on), misuse, and the binding to one event loop. Every ordering test
// has a CPython twin in tests/reference/condition_*.py, whose output
// (condition_*.out) is the expectation.

#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

struct notify {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::condition& cond, std::string name) {
    {
      auto held = co_await weft::scoped(cond);
      ev(name + " waits");
      co_await cond.wait();
      ev(name + " woke, locked " + py(cond.locked()));
      co_await weft::sleep(1s);
    }
    ev(name + " left");
  }

  weft::coro<void> main_coro() {
    weft::condition cond;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(weft::create_task(waiter(cond, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    {
      auto held = co_await weft::scoped(cond);
      cond.notify();
      ev("notified 1");
    }
    co_await weft::sleep(5s);
    {
      auto held = co_await weft::scoped(cond);
      cond.notify(2);
      ev("notified 2");
      co_await weft::sleep(1s);
      ev("main releases");
    }
    co_await weft::sleep(5s);
    {
      auto held = co_await weft::scoped(cond);
      cond.notify_all();
      ev("notified all");
    }
    for (auto& t : tasks) co_await t;
    {
      auto held = co_await weft::scoped(cond);
      cond.notify_all();  // nobody waits: nothing happens
    }
    ev("done");
  }
};

TEST(ConditionTest, NotifyWakesWaitersInOrderThroughTheLock) {
  weft_test::run_and_compare<notify>("condition_notify");
}

struct wait_for {
  weft_test::event_log ev;
  int count = 0;

  weft::coro<void> consumer(weft::condition& cond, std::string name, int need) {
    auto held = co_await weft::scoped(cond);
    ev(name + " waits for " + std::to_string(need));
    // Captures name by reference: g++ 12 miscompiles a by-value coroutine
    // parameter of a lambda type that holds a std::string (invalid free).
    int r = co_await cond.wait_for([this, &name, need] {
      ev(name + " checks " + std::to_string(count));
      return count >= need ? count : 0;
    });
    ev(name + " got " + std::to_string(r));
  }

  weft::coro<void> main_coro() {
    weft::condition cond;
    std::vector<weft::task<void>> tasks;
    for (int n : {2, 1, 3}) tasks.push_back(weft::create_task(consumer(cond, "c" + std::to_string(n), n)));
    co_await weft::sleep(1s);
    for (int i = 0; i < 3; ++i) {
      {
        auto held = co_await weft::scoped(cond);
        ++count;
        ev("count " + std::to_string(count));
        cond.notify_all();
      }
      co_await weft::sleep(1s);
    }
    weft::get_running_loop().call_soon([this] { ev("callback"); });
    {
      auto held = co_await weft::scoped(cond);
      int r = co_await cond.wait_for([this] { return count; });
      ev("main wait_for returned " + std::to_string(r) + " without waiting");
    }
    for (auto& t : tasks) co_await t;
    ev("done");
  }
};

TEST(ConditionTest, WaitForRechecksPredicateAndReturnsItsValue) {
  weft_test::run_and_compare<wait_for>("condition_wait_for");
}

struct cancel_wait {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::condition& cond, std::string name) {
    {
      auto held = co_await weft::scoped(cond);
      ev(name + " waits");
      try {
        co_await cond.wait();
      } catch (const weft::cancelled_error&) {
        ev(name + " cancelled, locked " + py(cond.locked()));
        throw;
      }
    }
    ev(name + " not reached");
  }

  weft::coro<void> main_coro() {
    weft::condition cond;
    auto w = weft::create_task(waiter(cond, "w"));
    co_await weft::sleep(1s);
    co_await cond.acquire();
    w.cancel();
    ev("main holds the lock and cancelled w");
    co_await weft::sleep(1s);
    ev("main releases");
    cond.release();
    try {
      co_await w;
    } catch (const weft::cancelled_error&) {
      ev("w was cancelled, locked " + py(cond.locked()));
    }
  }
};

TEST(ConditionTest, CancelledWaitReacquiresLockBeforeRaising) {
  weft_test::run_and_compare<cancel_wait>("condition_cancel_wait");
}

struct cancel_notified {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::condition& cond, std::string name) {
    auto held = co_await weft::scoped(cond);
    ev(name + " waits");
    try {
      co_await cond.wait();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, locked " + py(cond.locked()));
      throw;
    }
    ev(name + " woke");
  }

  weft::coro<void> main_coro() {
    weft::condition cond;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(waiter(cond, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    {
      auto held = co_await weft::scoped(cond);
      cond.notify();
      tasks[0].cancel();
      ev("notified one, cancelled w0");
    }
    weft::task<void> last = tasks[2];
    tasks.pop_back();
    co_await weft_test::await_all(ev, tasks);
    ev("w2 still waiting " + py(!last.done()));
    {
      auto held = co_await weft::scoped(cond);
      cond.notify();
    }
    co_await last;
  }
};

TEST(ConditionTest, WaiterCancelledAfterNotifyPassesItOn) {
  weft_test::run_and_compare<cancel_notified>("condition_cancel_notified");
}

struct cancel_reacquire {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::condition& cond, std::string name) {
    auto held = co_await weft::scoped(cond);
    ev(name + " waits");
    try {
      co_await cond.wait();
    } catch (const weft::cancelled_error& e) {
      ev(name + " cancelled " + (e.message() ? *e.message() : "None") + " locked " + py(cond.locked()));
      throw;
    }
    ev(name + " woke");
  }

  weft::coro<void> main_coro() {
    weft::condition cond;
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 2; ++i) tasks.push_back(weft::create_task(waiter(cond, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    co_await cond.acquire();
    cond.notify();
    ev("main notified one, keeps the lock");
    co_await weft::sleep(1s);
    tasks[0].cancel("first");
    ev("main cancelled w0");
    co_await weft::sleep(1s);
    tasks[0].cancel("second");
    ev("main cancelled w0 again");
    co_await weft::sleep(1s);
    ev("main releases");
    cond.release();
    co_await weft_test::await_all(ev, tasks);
  }
};

TEST(ConditionTest, CancelDuringReacquireKeepsTryingThenRaises) {
  weft_test::run_and_compare<cancel_reacquire>("condition_cancel_reacquire");
}

struct shared_lock {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::condition& cond, std::string name) {
    auto held = co_await weft::scoped(cond);
    ev(name + " waits");
    co_await cond.wait();
    ev(name + " woke");
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    weft::condition a(l);
    weft::condition b(l);
    auto ta = weft::create_task(waiter(a, "on a"));
    auto tb = weft::create_task(waiter(b, "on b"));
    co_await weft::sleep(1s);
    {
      auto held = co_await weft::scoped(l);
      ev("locked " + py(a.locked()) + " " + py(b.locked()));
      b.notify();
      ev("notified b");
    }
    co_await tb;
    ev("a waiter done " + py(ta.done()));
    {
      auto held = co_await weft::scoped(a);
      ev("lock locked " + py(l.locked()));
      a.notify();
    }
    co_await ta;
    ev("locked " + py(a.locked()) + " " + py(b.locked()));
  }
};

TEST(ConditionTest, ConditionsSharingALockWakeOnlyTheirOwnWaiters) {
  weft_test::run_and_compare<shared_lock>("condition_shared_lock");
}

// ---- misuse and return values (no CPython twin) ----

TEST(ConditionTest, WaitWithoutTheLockThrows) {
  weft_test::run_virtual([]() -> weft::coro<void> {
    weft::condition cond;
    bool thrown = false;
    try {
      co_await cond.wait();
    } catch (const std::runtime_error& e) {
      thrown = true;
      EXPECT_STREQ(e.what(), "cannot wait on un-acquired lock");
    }
    EXPECT_TRUE(thrown);
    EXPECT_FALSE(cond.locked());
    // wait_for checks the predicate first: a true one needs no lock.
    int r = co_await cond.wait_for([] { return 5; });
    EXPECT_EQ(r, 5);
    thrown = false;
    try {
      (void)co_await cond.wait_for([] { return false; });
    } catch (const std::runtime_error& e) {
      thrown = true;
      EXPECT_STREQ(e.what(), "cannot wait on un-acquired lock");
    }
    EXPECT_TRUE(thrown);
  }());
}

TEST(ConditionTest, NotifyWithoutTheLockThrows) {
  weft::condition cond;
  try {
    cond.notify();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot notify on un-acquired lock");
  }
  try {
    cond.notify_all();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot notify on un-acquired lock");
  }
  EXPECT_THROW(cond.release(), std::runtime_error);  // the lock's own check
}

weft::coro<void> notifier(weft::condition& cond) {
  auto held = co_await weft::scoped(cond);
  cond.notify();
}

weft::coro<void> wait_and_notify(weft::condition& cond) {
  auto held = co_await weft::scoped(cond);
  auto n = weft::create_task(notifier(cond));
  co_await cond.wait();  // binds the condition to this loop
  co_await n;
}

weft::coro<void> wait_once(weft::condition& cond) {
  auto held = co_await weft::scoped(cond);
  co_await cond.wait();
}

TEST(ConditionTest, WaitFromASecondLoopThrows) {
  weft::virtual_clock c1, c2;
  weft::event_loop first({.clock = &c1});
  weft::event_loop second({.clock = &c2});
  weft::condition cond;
  first.run_until_complete(wait_and_notify(cond));
  EXPECT_FALSE(cond.locked());
  try {
    second.run_until_complete(wait_once(cond));
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Condition is bound to a different event loop");
  }
  // wait() failed before releasing the lock; the guard released it.
  EXPECT_FALSE(cond.locked());
}

}  // namespace
