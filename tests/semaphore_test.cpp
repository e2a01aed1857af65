// Tests of weft::semaphore and weft::bounded_semaphore (semaphore.hpp),
// asyncio.Semaphore and asyncio.BoundedSemaphore: counting, waiters woken in
// order, locked(), cancellation while queued and after wakeup (the count goes
// back and the next waiter is woken), misuse, and the binding to one event
// loop. Every ordering test has a CPython twin in tests/reference/semaphore_*.py
// (value() is Semaphore._value there), whose output (semaphore_*.out) is the
// expectation.

#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
std::string str(std::int64_t v) { return std::to_string(v); }

struct counting {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::semaphore& sem, std::string name, int secs) {
    ev(name + " acquiring, locked " + py(sem.locked()));
    auto held = co_await weft::scoped(sem);
    ev(name + " in, value " + str(sem.value()));
    co_await weft::sleep(std::chrono::seconds(secs));
    ev(name + " out");
  }

  weft::coro<void> main_coro() {
    weft::semaphore sem(2);
    ev("value " + str(sem.value()) + " locked " + py(sem.locked()));
    std::vector<weft::task<void>> tasks;
    const int secs[] = {3, 1, 1, 2, 1};
    for (int i = 0; i < 5; ++i) tasks.push_back(weft::create_task(worker(sem, "w" + std::to_string(i), secs[i])));
    co_await weft::sleep(0s);
    ev("value " + str(sem.value()) + " locked " + py(sem.locked()));
    for (auto& t : tasks) co_await t;
    ev("value " + str(sem.value()) + " locked " + py(sem.locked()));
  }
};

TEST(SemaphoreTest, CountsHoldersAndLetsWaitersInOrder) {
  weft_test::run_and_compare<counting>("semaphore_counting");
}

struct wake_order {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::semaphore& sem, std::string name) {
    ev(name + " waits");
    co_await sem.acquire();
    ev(name + " acquired, value " + str(sem.value()));
  }

  weft::coro<void> main_coro() {
    weft::semaphore sem(0);
    ev("locked " + py(sem.locked()));
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(waiter(sem, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    sem.release();
    sem.release();
    ev("released twice, value " + str(sem.value()) + " locked " + py(sem.locked()));
    tasks.push_back(weft::create_task(waiter(sem, "newcomer")));
    co_await weft::sleep(1s);
    sem.release();
    ev("released, value " + str(sem.value()));
    co_await weft::sleep(1s);
    sem.release();
    ev("released, value " + str(sem.value()));
    for (auto& t : tasks) co_await t;
    sem.release();
    ev("value " + str(sem.value()) + " locked " + py(sem.locked()));
  }
};

TEST(SemaphoreTest, ReleaseWakesWaitersInOrderAndNewcomersQueue) {
  weft_test::run_and_compare<wake_order>("semaphore_wake_order");
}

struct cancel_after_wakeup {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::semaphore& sem, std::string name) {
    ev(name + " waits");
    try {
      co_await sem.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, value " + str(sem.value()));
      throw;
    }
    ev(name + " acquired, value " + str(sem.value()));
    co_await weft::sleep(1s);
    sem.release();
    ev(name + " released, value " + str(sem.value()));
  }

  weft::coro<void> main_coro() {
    weft::semaphore sem(0);
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(weft::create_task(waiter(sem, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    tasks[2].cancel();
    ev("cancelled queued w2");
    co_await weft::sleep(1s);
    sem.release();
    ev("released, value " + str(sem.value()));
    tasks[0].cancel();
    ev("cancelled woken w0");
    co_await weft_test::await_all(ev, tasks);
    ev("value " + str(sem.value()) + " locked " + py(sem.locked()));
  }
};

TEST(SemaphoreTest, WaiterCancelledAfterWakeupGivesCountToNext) {
  weft_test::run_and_compare<cancel_after_wakeup>("semaphore_cancel_after_wakeup");
}

struct cancel_then_release {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::semaphore& sem, std::string name) {
    try {
      co_await sem.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, value " + str(sem.value()));
      throw;
    }
    ev(name + " acquired, value " + str(sem.value()));
    sem.release();
  }

  weft::coro<void> main_coro() {
    weft::semaphore sem(0);
    auto w0 = weft::create_task(worker(sem, "w0"));
    auto w1 = weft::create_task(worker(sem, "w1"));
    co_await weft::sleep(1s);
    w0.cancel();
    sem.release();
    auto t = weft::create_task(weft_test::ticker(ev, 4));
    ev("cancelled w0, released, value " + str(sem.value()));
    co_await t;
    co_await w1;
    try {
      co_await w0;
    } catch (const weft::cancelled_error&) {
      ev("w0 was cancelled");
    }
    ev("value " + str(sem.value()));
  }
};

TEST(SemaphoreTest, ReleaseAfterHeadCancelWakesNextAtOnce) {
  weft_test::run_and_compare<cancel_then_release>("semaphore_cancel_then_release");
}

struct cancelled_waiters {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::semaphore& sem, std::string name) {
    try {
      co_await sem.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, value " + str(sem.value()));
      throw;
    }
    ev(name + " acquired");
  }

  weft::coro<void> main_coro() {
    weft::semaphore sem(1);
    weft::event_loop& loop = weft::get_running_loop();
    co_await sem.acquire();
    auto a = weft::create_task(waiter(sem, "a"));
    co_await weft::sleep(1s);
    a.cancel();
    ev("cancelled a, locked " + py(sem.locked()));
    sem.release();
    ev("released, value " + str(sem.value()) + " locked " + py(sem.locked()));
    loop.call_soon([this] { ev("callback"); });
    co_await sem.acquire();
    ev("main acquired without waiting, value " + str(sem.value()));
    try {
      co_await a;
    } catch (const weft::cancelled_error&) {
      ev("a was cancelled");
    }
    sem.release();
    ev("value " + str(sem.value()));
  }
};

TEST(SemaphoreTest, CancelledWaitersDoNotKeepItLocked) {
  weft_test::run_and_compare<cancelled_waiters>("semaphore_cancelled_waiters");
}

struct bounded {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::bounded_semaphore& sem, std::string name) {
    {
      auto held = co_await weft::scoped(sem);
      ev(name + " in, value " + str(sem.value()));
      co_await weft::sleep(1s);
    }
    ev(name + " out, value " + str(sem.value()));
  }

  weft::coro<void> main_coro() {
    weft::bounded_semaphore sem(2);
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(worker(sem, "w" + std::to_string(i))));
    for (auto& t : tasks) co_await t;
    try {
      sem.release();
    } catch (const std::invalid_argument& e) {
      ev(std::string("ValueError: ") + e.what());
    }
    ev("value " + str(sem.value()));
  }
};

TEST(SemaphoreTest, BoundedSemaphoreRefusesOverRelease) {
  weft_test::run_and_compare<bounded>("semaphore_bounded");
}

// ---- misuse and return values (no CPython twin) ----

TEST(SemaphoreTest, NegativeInitialValueThrows) {
  try {
    weft::semaphore sem(-1);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Semaphore initial value must be >= 0");
  }
  EXPECT_THROW(weft::bounded_semaphore(-1), std::invalid_argument);
  weft::semaphore zero(0);
  EXPECT_TRUE(zero.locked());
  EXPECT_EQ(zero.value(), 0);
  weft::semaphore dflt;
  EXPECT_EQ(dflt.value(), 1);
  EXPECT_FALSE(dflt.locked());
}

TEST(SemaphoreTest, BoundedOverReleaseThrowsAndKeepsValue) {
  weft::bounded_semaphore sem(1);
  try {
    sem.release();
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "BoundedSemaphore released too many times");
  }
  EXPECT_EQ(sem.value(), 1);
  // Through the base class too: release() is virtual.
  weft::semaphore& base = sem;
  EXPECT_THROW(base.release(), std::invalid_argument);
  EXPECT_EQ(sem.value(), 1);
  // A plain semaphore may go above its initial value.
  weft::semaphore plain(1);
  plain.release();
  EXPECT_EQ(plain.value(), 2);
}

weft::coro<void> contend(weft::semaphore& sem) {
  co_await sem.acquire();
  weft::get_running_loop().call_later(1s, [&sem] { sem.release(); });
  co_await sem.acquire();  // waits: binds the semaphore to this loop
  sem.release();
}

TEST(SemaphoreTest, WaitingFromASecondLoopThrows) {
  weft::virtual_clock c1, c2;
  weft::event_loop first({.clock = &c1});
  weft::event_loop second({.clock = &c2});
  weft::semaphore sem(1);
  first.run_until_complete(contend(sem));
  second.run_until_complete(sem.acquire());  // not locked: no loop needed
  EXPECT_EQ(sem.value(), 0);
  try {
    second.run_until_complete(sem.acquire());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Semaphore is bound to a different event loop");
  }
  EXPECT_EQ(sem.value(), 0);
}

weft::coro<void> semaphore_try_acquire() {
  weft::semaphore sem(2);
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_EQ(sem.value(), 0);
  EXPECT_FALSE(sem.try_acquire()) << "at zero";
  auto waiter = weft::create_task(sem.acquire());
  co_await weft::sleep(0s);
  sem.release();  // wakes the waiter, which has not run yet
  EXPECT_TRUE(sem.locked());
  EXPECT_FALSE(sem.try_acquire()) << "acquire() would wait behind the woken waiter too";
  co_await waiter;
  EXPECT_EQ(sem.value(), 0);
  sem.release();
  EXPECT_TRUE(sem.try_acquire());
  EXPECT_EQ(sem.value(), 0);
}

TEST(SemaphoreTest, TryAcquireDecrementsOnlyWhereAcquireWouldNotWait) {
  weft::run(semaphore_try_acquire());
}

}  // namespace
