// Tests of weft::barrier (condition.hpp), asyncio.Barrier: arrival indices,
// parties / n_waiting / broken, reuse, draining, reset() and abort() breaking
// waiters with broken_barrier_error, cancellation of a waiter, and misuse.
// Every ordering test has a CPython twin in tests/reference/barrier_*.py, whose
// output (barrier_*.out) is the expectation.

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
std::string str(std::size_t v) { return std::to_string(v); }

struct indices {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name, std::vector<int> delays) {
    for (std::size_t rnd = 0; rnd < delays.size(); ++rnd) {
      co_await weft::sleep(std::chrono::seconds(delays[rnd]));
      ev(name + " arrives for round " + str(rnd) + " n_waiting " + str(b.n_waiting()));
      std::size_t i = co_await b.wait();
      ev(name + " passed round " + str(rnd) + " index " + str(i) + " n_waiting " + str(b.n_waiting()));
    }
  }

  weft::coro<void> main_coro() {
    weft::barrier b(3);
    ev("parties " + str(b.parties()) + " n_waiting " + str(b.n_waiting()) + " broken " + py(b.broken()));
    std::vector<weft::task<void>> tasks;
    tasks.push_back(weft::create_task(party(b, "a", std::vector<int>{1, 0})));
    tasks.push_back(weft::create_task(party(b, "b", std::vector<int>{2, 2})));
    tasks.push_back(weft::create_task(party(b, "c", std::vector<int>{3, 1})));
    co_await weft::sleep(2s);
    ev("n_waiting " + str(b.n_waiting()));
    for (auto& t : tasks) co_await t;
    ev("n_waiting " + str(b.n_waiting()) + " broken " + py(b.broken()));
  }
};

TEST(BarrierTest, ArrivalsGetIndicesAndBarrierIsReusable) {
  weft_test::run_and_compare<indices>("barrier_indices");
}

struct draining {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name) {
    ev(name + " arrives");
    std::size_t i = co_await b.wait();
    ev(name + " passed, index " + str(i));
  }

  weft::coro<void> main_coro() {
    weft::barrier b(2);
    std::vector<weft::task<void>> tasks;
    for (const char* n : {"a", "b", "c"}) tasks.push_back(weft::create_task(party(b, n)));
    co_await weft::sleep(1s);
    ev("n_waiting " + str(b.n_waiting()));
    tasks.push_back(weft::create_task(party(b, "d")));
    for (auto& t : tasks) co_await t;
    ev("n_waiting " + str(b.n_waiting()));
  }
};

TEST(BarrierTest, ArrivalWhileDrainingWaitsForNextRound) {
  weft_test::run_and_compare<draining>("barrier_draining");
}

struct reset {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name) {
    try {
      std::size_t i = co_await b.wait();
      ev(name + " passed, index " + str(i));
    } catch (const weft::broken_barrier_error& e) {
      ev(name + " BrokenBarrierError: " + e.what() + " n_waiting " + str(b.n_waiting()));
    }
  }

  weft::coro<void> main_coro() {
    weft::barrier b(3);
    std::vector<weft::task<void>> tasks;
    for (const char* n : {"a", "b"}) tasks.push_back(weft::create_task(party(b, n)));
    co_await weft::sleep(1s);
    ev("n_waiting " + str(b.n_waiting()));
    co_await b.reset();
    ev("reset, n_waiting " + str(b.n_waiting()) + " broken " + py(b.broken()));
    for (auto& t : tasks) co_await t;
    ev("n_waiting " + str(b.n_waiting()) + " broken " + py(b.broken()));
    tasks.clear();
    for (const char* n : {"c", "d", "e"}) tasks.push_back(weft::create_task(party(b, n)));
    for (auto& t : tasks) co_await t;
    co_await b.reset();  // nobody waits
    ev("reset an idle barrier, broken " + py(b.broken()));
  }
};

TEST(BarrierTest, ResetBreaksWaitersThenBarrierWorksAgain) {
  weft_test::run_and_compare<reset>("barrier_reset");
}

struct abort {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name) {
    try {
      std::size_t i = co_await b.wait();
      ev(name + " passed, index " + str(i));
    } catch (const weft::broken_barrier_error& e) {
      ev(name + " BrokenBarrierError: " + e.what());
    }
  }

  weft::coro<void> main_coro() {
    weft::barrier b(3);
    std::vector<weft::task<void>> tasks;
    for (const char* n : {"a", "b"}) tasks.push_back(weft::create_task(party(b, n)));
    co_await weft::sleep(1s);
    co_await b.abort();
    ev("aborted, broken " + py(b.broken()) + " n_waiting " + str(b.n_waiting()));
    for (auto& t : tasks) co_await t;
    co_await party(b, "late");
    co_await b.reset();
    ev("reset, broken " + py(b.broken()));
    tasks.clear();
    for (const char* n : {"c", "d", "e"}) tasks.push_back(weft::create_task(party(b, n)));
    for (auto& t : tasks) co_await t;
  }
};

TEST(BarrierTest, AbortBreaksWaitersAndLaterArrivalsUntilReset) {
  weft_test::run_and_compare<abort>("barrier_abort");
}

struct cancel {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name) {
    std::size_t i = 0;
    try {
      i = co_await b.wait();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, n_waiting " + str(b.n_waiting()));
      throw;
    }
    ev(name + " passed, index " + str(i));
  }

  weft::coro<void> main_coro() {
    weft::barrier b(3);
    auto a = weft::create_task(party(b, "a"));
    auto c = weft::create_task(party(b, "b"));
    co_await weft::sleep(1s);
    ev("n_waiting " + str(b.n_waiting()));
    a.cancel();
    co_await weft::sleep(1s);
    ev("n_waiting " + str(b.n_waiting()));
    std::vector<weft::task<void>> tasks{c};
    for (const char* n : {"c", "d"}) tasks.push_back(weft::create_task(party(b, n)));
    for (auto& t : tasks) co_await t;
    try {
      co_await a;
    } catch (const weft::cancelled_error&) {
      ev("a was cancelled");
    }
  }
};

TEST(BarrierTest, CancelledWaiterLeavesTheBarrier) {
  weft_test::run_and_compare<cancel>("barrier_cancel");
}

struct cancel_blocked {
  weft_test::event_log ev;

  weft::coro<void> party(weft::barrier& b, std::string name) {
    ev(name + " arrives, n_waiting " + str(b.n_waiting()));
    std::size_t i = 0;
    try {
      i = co_await b.wait();
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled, n_waiting " + str(b.n_waiting()));
      throw;
    }
    ev(name + " passed, index " + str(i));
  }

  weft::coro<void> main_coro() {
    weft::barrier b(2);
    std::vector<weft::task<void>> tasks;
    for (const char* n : {"a", "b", "c"}) tasks.push_back(weft::create_task(party(b, n)));
    co_await weft::sleep(0s);
    tasks[2].cancel();
    ev("cancelled c");
    co_await weft::sleep(1s);
    ev("n_waiting " + str(b.n_waiting()));
    weft::task<void> c = tasks[2];
    tasks.pop_back();
    for (const char* n : {"d", "e"}) tasks.push_back(weft::create_task(party(b, n)));
    for (auto& t : tasks) co_await t;
    try {
      co_await c;
    } catch (const weft::cancelled_error&) {
      ev("c was cancelled");
    }
  }
};

TEST(BarrierTest, TaskCancelledWhileBlockedByDrainingLeavesCountAlone) {
  weft_test::run_and_compare<cancel_blocked>("barrier_cancel_blocked");
}

// ---- misuse and return values (no CPython twin) ----

TEST(BarrierTest, ZeroPartiesThrows) {
  try {
    weft::barrier b(0);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "parties must be > 0");
  }
  weft::barrier one(1);
  EXPECT_EQ(one.parties(), 1u);
  EXPECT_EQ(one.n_waiting(), 0u);
  EXPECT_FALSE(one.broken());
}

TEST(BarrierTest, BrokenBarrierErrorIsARuntimeError) {
  // asyncio.BrokenBarrierError subclasses RuntimeError.
  static_assert(std::is_base_of_v<std::runtime_error, weft::broken_barrier_error>);
  weft_test::run_virtual([]() -> weft::coro<void> {
    weft::barrier b(1);
    std::size_t first = co_await b.wait();  // one party: passes at once
    std::size_t second = co_await b.wait();
    EXPECT_EQ(first, 0u);
    EXPECT_EQ(second, 0u);
    co_await b.abort();
    bool thrown = false;
    try {
      co_await b.wait();
    } catch (const std::runtime_error& e) {
      thrown = true;
      EXPECT_STREQ(e.what(), "Barrier aborted");
    }
    EXPECT_TRUE(thrown);
    EXPECT_TRUE(b.broken());
  }());
}

}  // namespace
