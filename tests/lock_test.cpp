// Tests of weft::lock and weft::scoped (lock.hpp), asyncio.Lock and
// `async with lock`: FIFO hand-off, no barging past a woken waiter, waiters
// cancelled while queued or after being woken, the fast path when every waiter
// is cancelled, release on exception, misuse, and the binding to one event
// loop. Every ordering test has a CPython twin in tests/reference/lock_*.py,
// whose output (lock_*.out) is the expectation.

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

struct fifo {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    ev(name + " acquiring");
    co_await l.acquire();
    ev(name + " acquired");
    co_await weft::sleep(1s);
    ev(name + " releasing");
    l.release();
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    co_await l.acquire();
    ev("main holds the lock " + py(l.locked()));
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(worker(l, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    l.release();
    ev("main released, locked " + py(l.locked()));
    tasks.push_back(weft::create_task(worker(l, "newcomer")));
    for (auto& t : tasks) co_await t;
    ev("done, locked " + py(l.locked()));
  }
};

TEST(LockTest, HandsOffInFifoOrderWithoutBarging) {
  weft_test::run_and_compare<fifo>("lock_fifo");
}

struct cancel_queued {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    ev(name + " acquiring");
    try {
      co_await l.acquire();
    } catch (const weft::cancelled_error& e) {
      ev(name + " cancelled while queued " + (e.message() ? *e.message() : "None") + " locked " + py(l.locked()));
      throw;
    }
    ev(name + " acquired");
    co_await weft::sleep(1s);
    l.release();
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    co_await l.acquire();
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 4; ++i) tasks.push_back(weft::create_task(worker(l, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    tasks[0].cancel("stop w0");
    tasks[2].cancel();
    ev("cancelled w0 and w2");
    co_await weft::sleep(1s);
    ev("releasing");
    l.release();
    co_await weft_test::await_all(ev, tasks);
    ev("locked " + py(l.locked()));
  }
};

TEST(LockTest, WaiterCancelledWhileQueuedDropsOut) {
  weft_test::run_and_compare<cancel_queued>("lock_cancel_queued");
}

// Many waiters: cancelled ones leave from the middle of the lock's waiter
// queue while the others are served from its front, in the order they came.
struct many_waiters {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    try {
      co_await l.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled while queued");
      throw;
    }
    ev(name + " acquired");
    co_await weft::sleep(0s);
    l.release();
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    co_await l.acquire();
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 40; ++i) tasks.push_back(weft::create_task(worker(l, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    for (std::size_t i = 1; i < tasks.size(); i += 3) tasks[i].cancel();
    co_await weft::sleep(1s);
    ev("releasing");
    l.release();
    for (auto& t : tasks) {
      try {
        co_await t;
      } catch (const weft::cancelled_error&) {
      }
    }
    ev("locked " + py(l.locked()));
  }
};

TEST(LockTest, ManyWaitersAcquireInQueueOrderAroundCancelledOnes) {
  weft_test::run_and_compare<many_waiters>("lock_many_waiters");
}

struct cancel_after_wakeup {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    ev(name + " acquiring");
    try {
      co_await l.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled after wakeup, locked " + py(l.locked()));
      throw;
    }
    ev(name + " acquired");
    co_await weft::sleep(1s);
    ev(name + " releasing");
    l.release();
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    co_await l.acquire();
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(weft::create_task(worker(l, "w" + std::to_string(i))));
    co_await weft::sleep(1s);
    l.release();
    tasks[0].cancel();
    ev("released and cancelled w0, locked " + py(l.locked()));
    co_await weft_test::await_all(ev, tasks);
  }
};

TEST(LockTest, WaiterCancelledAfterWakeupPassesLockOn) {
  weft_test::run_and_compare<cancel_after_wakeup>("lock_cancel_after_wakeup");
}

/// The log, and a worker that acquires the lock (logging a cancellation while
/// it waits), then releases it.
struct lock_program {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    try {
      co_await l.acquire();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, locked " + py(l.locked()));
      throw;
    }
    ev(name + " acquired");
    l.release();
  }
};

struct cancel_then_release : lock_program {
  weft::coro<void> main_coro() {
    weft::lock l;
    co_await l.acquire();
    auto w0 = weft::create_task(worker(l, "w0"));
    auto w1 = weft::create_task(worker(l, "w1"));
    co_await weft::sleep(1s);
    w0.cancel();
    l.release();
    auto t = weft::create_task(weft_test::ticker(ev, 4));
    ev("cancelled w0, released");
    co_await t;
    co_await w1;
    try {
      co_await w0;
    } catch (const weft::cancelled_error&) {
      ev("w0 was cancelled");
    }
  }
};

TEST(LockTest, ReleaseAfterHeadCancelWakesNextOneHopLater) {
  weft_test::run_and_compare<cancel_then_release>("lock_cancel_then_release");
}

struct fast_path : lock_program {
  weft::coro<void> main_coro() {
    weft::lock l;
    weft::event_loop& loop = weft::get_running_loop();
    co_await l.acquire();
    std::vector<weft::task<void>> tasks;
    tasks.push_back(weft::create_task(worker(l, "a")));
    tasks.push_back(weft::create_task(worker(l, "b")));
    co_await weft::sleep(1s);
    tasks[0].cancel();
    tasks[1].cancel();
    l.release();
    ev("released; waiters cancelled, locked " + py(l.locked()));
    loop.call_soon([this] { ev("callback"); });
    co_await l.acquire();
    ev("main reacquired without waiting, locked " + py(l.locked()));
    tasks.push_back(weft::create_task(worker(l, "c")));
    co_await weft::sleep(1s);
    l.release();
    ev("main released");
    std::vector<std::string> names{"a", "b", "c"};
    co_await weft_test::await_all(ev, tasks, names);
  }
};

TEST(LockTest, AcquireTakesFreeLockWhenAllWaitersAreCancelled) {
  weft_test::run_and_compare<fast_path>("lock_fast_path");
}

struct async_with {
  weft_test::event_log ev;

  weft::coro<void> failing(weft::lock& l) {
    auto held = co_await weft::scoped(l);
    ev("failing holds the lock");
    co_await weft::sleep(1s);
    throw std::invalid_argument("boom");
  }

  weft::coro<void> other(weft::lock& l) {
    ev("other acquiring");
    {
      auto held = co_await weft::scoped(l);
      ev("other holds the lock");
    }
    ev("other released, locked " + py(l.locked()));
  }

  weft::coro<void> main_coro() {
    weft::lock l;
    auto f = weft::create_task(failing(l));
    auto o = weft::create_task(other(l));
    try {
      co_await f;
    } catch (const std::invalid_argument& e) {
      ev(std::string("failing raised ") + e.what() + " locked " + py(l.locked()));
    }
    co_await o;
    ev("locked " + py(l.locked()));
  }
};

TEST(LockTest, ScopedReleasesOnException) {
  weft_test::run_and_compare<async_with>("lock_async_with");
}

struct eager {
  weft_test::event_log ev;

  weft::coro<void> worker(weft::lock& l, std::string name) {
    ev(name + " acquiring");
    {
      auto held = co_await weft::scoped(l);
      ev(name + " acquired");
      co_await weft::sleep(1s);
    }
    ev(name + " released");
  }

  weft::coro<std::string> quick(weft::lock& l) {
    auto held = co_await weft::scoped(l);
    ev("quick acquired");
    co_return "quick";
  }

  weft::coro<void> main_coro() {
    weft::get_running_loop().set_task_factory(weft::eager_task_factory);
    weft::lock l;
    co_await l.acquire();
    auto w0 = weft::create_task(worker(l, "w0"));
    auto w1 = weft::create_task(worker(l, "w1"));
    ev("created w0 w1");
    l.release();
    auto w2 = weft::create_task(worker(l, "w2"));
    ev("released, created w2");
    co_await w0;
    co_await w1;
    co_await w2;
    auto q = weft::create_task(quick(l));
    ev("quick done " + py(q.done()) + " " + q.result() + " locked " + py(l.locked()));
  }
};

TEST(LockTest, EagerTasksQueueInsideCreateTask) {
  weft_test::run_and_compare<eager>("lock_eager");
}

struct release_inside {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::lock l;
    try {
      auto held = co_await weft::scoped(l);
      l.release();
      ev("released inside the block");
    } catch (const std::runtime_error& e) {
      ev(std::string("RuntimeError: ") + e.what());
    }
    ev("locked " + py(l.locked()));
  }
};

// asyncio's __aexit__ calls release() and so raises RuntimeError when the
// body released the lock itself. weft's guard releases in a destructor; the
// scenario runs in a child process so that a std::terminate there fails this
// test only, not the whole binary.
TEST(LockDeathTest, ScopedExitAfterManualReleaseThrowsRuntimeError) {
  EXPECT_EXIT(
      {
        release_inside program;
        weft_test::run_virtual(program.main_coro());
        std::exit(weft_test::reference_lines("lock_async_with_release") == program.ev.lines() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// ---- misuse and return values (no CPython twin) ----

TEST(LockTest, ReleaseOfUnlockedLockThrows) {
  weft::lock l;
  EXPECT_FALSE(l.locked());
  try {
    l.release();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Lock is not acquired.");
  }
  weft_test::run_virtual([](weft::lock& l) -> weft::coro<void> {
    co_await l.acquire();
    EXPECT_TRUE(l.locked());
    l.release();
    EXPECT_FALSE(l.locked());
    EXPECT_THROW(l.release(), std::runtime_error);  // twice
  }(l));
}

TEST(LockTest, ScopedReleasesAtEndOfScope) {
  weft_test::run_virtual([]() -> weft::coro<void> {
    weft::lock l;
    {
      auto held = co_await weft::scoped(l);
      EXPECT_TRUE(l.locked());
      auto moved = std::move(held);  // the moved-from guard releases nothing
    }
    EXPECT_FALSE(l.locked());
    co_await l.acquire();  // so a double release would have thrown above
    l.release();
  }());
}

weft::coro<void> contend(weft::lock& l) {
  co_await l.acquire();
  weft::get_running_loop().call_later(1s, [&l] { l.release(); });
  co_await l.acquire();  // waits: binds the lock to this loop
  l.release();
}

TEST(LockTest, WaitingFromASecondLoopThrows) {
  weft::virtual_clock c1, c2;
  weft::event_loop first({.clock = &c1});
  weft::event_loop second({.clock = &c2});
  weft::lock l;
  first.run_until_complete(contend(l));
  EXPECT_FALSE(l.locked());
  // The uncontended fast path never looks at the loop (as in asyncio).
  second.run_until_complete(l.acquire());
  EXPECT_TRUE(l.locked());
  try {
    second.run_until_complete(l.acquire());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Lock is bound to a different event loop");
  }
  EXPECT_TRUE(l.locked());
  l.release();
}

weft::coro<void> try_acquire_only_without_waiting() {
  weft::lock l;
  EXPECT_TRUE(l.try_acquire());
  EXPECT_TRUE(l.locked());
  EXPECT_FALSE(l.try_acquire()) << "held";
  auto waiter = weft::create_task(l.acquire());
  co_await weft::sleep(0s);  // the waiter is in line
  l.release();               // and woken: first in line, not yet running
  EXPECT_FALSE(l.locked());
  EXPECT_FALSE(l.try_acquire()) << "acquire() would wait behind the woken waiter too";
  co_await waiter;
  EXPECT_TRUE(l.locked());
  auto cancelled = weft::create_task(l.acquire());
  co_await weft::sleep(0s);
  cancelled.cancel();
  co_await weft::sleep(0s);  // cancelled while in line: it no longer counts
  EXPECT_TRUE(cancelled.cancelled());
  l.release();
  EXPECT_TRUE(l.try_acquire());
  l.release();
}

TEST(LockTest, TryAcquireTakesTheLockOnlyWhereAcquireWouldNotWait) {
  weft::run(try_acquire_only_without_waiting());
}

}  // namespace
