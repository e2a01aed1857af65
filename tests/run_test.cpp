// Tests of weft::run (run.hpp): asyncio.run. Returns main's result or rethrows
// its exception; at shutdown cancels the leftover tasks in creation order and
// waits for them, reports their failures to the loop's exception handler, and
// runs the two shutdown coroutines of Runner.close before closing the loop.
// Ordering tests have a CPython twin in tests/reference/run_*.py.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"
#include "warnings.hpp"

using namespace std::chrono_literals;

namespace {

// ---- result and exception -----------------------------------------------------

TEST(RunTest, ReturnsMainsResult) {
  auto main_coro = []() -> weft::coro<int> {
    co_await weft::sleep(1s);
    co_return 42;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 42);
  auto void_main = []() -> weft::coro<void> { co_await weft::sleep(0s); };
  weft_test::run_virtual(void_main());
  // A move-only result is moved out.
  auto box = []() -> weft::coro<std::unique_ptr<std::string>> {
    co_await weft::sleep(2s);
    co_return std::make_unique<std::string>("boxed");
  };
  std::unique_ptr<std::string> r = weft_test::run_virtual(box());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(*r, "boxed");
}

TEST(RunTest, RethrowsMainsException) {
  auto main_coro = []() -> weft::coro<int> {
    co_await weft::sleep(1s);
    throw std::invalid_argument("boom");
  };
  try {
    weft_test::run_virtual(main_coro());
    ADD_FAILURE() << "run returned";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "boom");
  }
}

TEST(RunTest, RethrowsMainsExceptionAfterCancellingLeftovers) {
  // asyncio.run: Runner.close runs (and cancels the leftovers) before the
  // exception leaves run.
  std::vector<std::string> events;
  auto worker = [&]() -> weft::coro<void> {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      events.push_back("worker cancelled");
      throw;
    }
  };
  auto main_coro = [&]() -> weft::coro<void> {
    weft::create_task(worker());
    co_await weft::sleep(1s);
    throw std::runtime_error("main failed");
  };
  EXPECT_THROW(
      {
        try {
          weft_test::run_virtual(main_coro());
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "main failed");
          events.push_back("run raised");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(events, (std::vector<std::string>{"worker cancelled", "run raised"}));
}

TEST(RunTest, CancelledMainRaisesCancelledError) {
  // Runner.run re-raises the main task's CancelledError (no SIGINT involved).
  auto main_coro = []() -> weft::coro<int> {
    weft::current_task().cancel("self");
    co_await weft::sleep(0s);
    co_return 1;
  };
  try {
    weft_test::run_virtual(main_coro());
    ADD_FAILURE() << "run returned";
  } catch (const weft::cancelled_error& e) {
    EXPECT_EQ(e.message(), std::optional<std::string>("self"));
  }
}

TEST(RunTest, RejectsAnEmptyCoroutine) {
  // asyncio.run(None): ValueError("a coroutine was expected, got None").
  weft::coro<int> empty;
  EXPECT_THROW(weft_test::run_virtual(std::move(empty)), std::invalid_argument);
}

TEST(RunTest, CanRunAgainAfterwards) {
  auto main_coro = []() -> weft::coro<std::string> {
    co_await weft::sleep(1s);
    co_return weft::current_task().get_name();
  };
  // Each run has its own loop, closed at the end, and no loop is left running.
  EXPECT_EQ(weft_test::run_virtual(main_coro()), "Task-1");
  EXPECT_EQ(weft::running_loop_or_null(), nullptr);
  EXPECT_EQ(weft_test::run_virtual(main_coro()), "Task-1");  // weft counts per loop
  EXPECT_EQ(weft::running_loop_or_null(), nullptr);
}

TEST(RunTest, RunsOnTheRealClockByDefault) {
  auto main_coro = []() -> weft::coro<weft::duration> {
    weft::event_loop& loop = weft::get_running_loop();
    const weft::time_point t0 = loop.time();
    co_await weft::sleep(5ms);
    co_return loop.time() - t0;
  };
  EXPECT_GE(weft::run(main_coro()), 5ms);
}

// ---- misuse -------------------------------------------------------------------

weft::coro<int> inner() { co_return 1; }

TEST(RunTest, RunInsideARunningLoopThrowsRuntimeError) {
  // asyncio.run raises RuntimeError("asyncio.run() cannot be called from a
  // running event loop") before touching main, which then warns that it was
  // never awaited.
  weft_test::captured_warnings warnings;
  auto main_coro = []() -> weft::coro<std::string> {
    try {
      weft::run(inner());
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no error";
  };
  const std::string what = weft_test::run_virtual(main_coro());
  EXPECT_NE(what.find("cannot be called from a running event loop"), std::string::npos) << what;
  EXPECT_EQ(warnings.messages(), std::vector<std::string>{"RuntimeWarning: coroutine 'inner' was never awaited"});
}

TEST(RunTest, MainThatDeadlocksThrowsDeadlockError) {
  auto main_coro = []() -> weft::coro<void> {
    weft::future<int> never(weft::get_running_loop());
    co_await never;
  };
  EXPECT_THROW(weft_test::run_virtual(main_coro()), weft::deadlock_error);
}

struct deadlock {
  weft_test::event_log ev;

  weft::coro<void> waiter(weft::future<void> fut) {
    try {
      co_await fut;
    } catch (const weft::cancelled_error&) {
      ev("waiter cancelled");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    weft::future<void> fut = weft::create_future<void>();
    weft::create_task(waiter(fut));
    co_await weft::sleep(1s);
    ev("main waits forever");
    try {
      co_await fut;
    } catch (const weft::cancelled_error&) {
      ev("main cancelled");
      throw;
    }
  }
};

TEST(RunTest, DeadlockShutdownCancelsMainAndLeftovers) {
  deadlock program;
  EXPECT_THROW(weft_test::run_virtual(program.main_coro()), weft::deadlock_error);
  weft_test::expect_reference("run_deadlock", program.ev);
}

// ---- shutdown --------------------------------------------------------------------

struct shutdown_cancel {
  weft_test::event_log ev;

  weft::coro<void> worker(std::string name, weft::duration delay, weft::duration cleanup) {
    try {
      co_await weft::sleep(delay);
      ev(name + " finished");
      co_return;
    } catch (const weft::cancelled_error&) {
      ev(name + " cancelled");
    }
    // The cancellation handler's await, then re-raise (as `raise` in the except
    // block would; C++ cannot co_await inside a handler).
    co_await weft::sleep(cleanup);
    ev(name + " cleanup done");
    throw weft::cancelled_error();
  }

  weft::coro<std::string> main_coro() {
    weft::create_task(worker("w3", 30s, 0s));
    weft::create_task(worker("w1", 10s, 500ms));
    weft::create_task(worker("w2", 20s, 0s));
    weft::create_task(worker("short", 1s, 0s));
    co_await weft::sleep(2s);
    ev("main returns");
    co_return "result";
  }
};

TEST(RunTest, ShutdownCancelsLeftoversInCreationOrderAndWaits) {
  shutdown_cancel program;
  EXPECT_EQ(weft_test::run_virtual(program.main_coro()), "result");
  weft_test::expect_reference("run_shutdown_cancel", program.ev);
}

struct shutdown_ignore {
  weft_test::event_log ev;

  weft::coro<int> stubborn() {
    try {
      co_await weft::sleep(100s);
    } catch (const weft::cancelled_error&) {
      ev("stubborn ignores the cancellation");
    }
    co_await weft::sleep(5s);
    ev("stubborn finished anyway");
    co_return 7;
  }

  weft::coro<void> polite() {
    try {
      co_await weft::sleep(100s);
    } catch (const weft::cancelled_error&) {
      ev("polite cancelled");
      throw;
    }
  }

  weft::task<int> kept;

  weft::coro<void> main_coro() {
    kept = weft::create_task(stubborn(), {.name = "stubborn"});
    weft::create_task(polite(), {.name = "polite"});
    co_await weft::sleep(1s);
    ev("main returns");
  }
};

TEST(RunTest, LeftoverThatIgnoresCancellationFinishesLater) {
  shutdown_ignore program;
  weft_test::run_virtual(program.main_coro());
  weft_test::expect_reference("run_shutdown_ignore", program.ev);
  ASSERT_TRUE(program.kept.done());
  EXPECT_FALSE(program.kept.cancelled());
  EXPECT_EQ(program.kept.result(), 7);
}

struct shutdown_raise {
  weft_test::event_log ev;

  weft::coro<void> failing(std::string name) {
    try {
      co_await weft::sleep(100s);
    } catch (const weft::cancelled_error&) {
      ev(name + " raises while cancelled");
      throw std::invalid_argument("cleanup failed in " + name);
    }
  }

  weft::coro<void> quiet() {
    try {
      co_await weft::sleep(100s);
    } catch (const weft::cancelled_error&) {
      ev("quiet cancelled");
      throw;
    }
  }

  weft::coro<int> main_coro() {
    weft::get_running_loop().set_exception_handler([this](weft::event_loop& loop, const weft::exception_context& ctx) {
      ev.at(loop, "handler: " + ctx.message + " | " + weft_test::py_type(ctx.exception) + " " +
                      weft_test::exception_text(ctx.exception) + " | " + ctx.task_name);
    });
    weft::create_task(failing("f1"), {.name = "f1"});
    weft::create_task(quiet(), {.name = "q"});
    weft::create_task(failing("f2"), {.name = "f2"});
    co_await weft::sleep(1500ms);
    ev("main returns");
    co_return 3;
  }
};

TEST(RunTest, LeftoverRaisingDuringShutdownIsReported) {
  shutdown_raise program;
  EXPECT_EQ(weft_test::run_virtual(program.main_coro()), 3);
  weft_test::expect_reference("run_shutdown_raise", program.ev);
}

struct main_name {
  weft_test::event_log ev;

  weft::coro<void> child() {
    ev("child is " + weft::current_task().get_name());
    co_return;
  }

  weft::coro<void> main_coro() {
    ev("main is " + weft::current_task().get_name());
    auto a = weft::create_task(child());
    auto b = weft::create_task(child(), {.name = "named"});
    auto c = weft::create_task(child());
    ev("created " + a.get_name() + " " + b.get_name() + " " + c.get_name());
    co_await a;
    co_await b;
    co_await c;
    ev("all tasks " + std::to_string(weft::all_tasks().size()));
  }
};

TEST(RunTest, MainTaskIsNamedTask1) {
  weft_test::run_and_compare<main_name>("run_main_name");
}

/// Logs "chain I" for I in [i, last], one call_soon callback each.
void chain(weft_test::event_log& log, weft::event_loop& loop, int i, int last) {
  log("chain " + std::to_string(i));
  if (i < last) loop.call_soon([&log, &loop, i, last] { chain(log, loop, i + 1, last); });
}

struct soon_shutdown {
  weft_test::event_log ev;

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    loop.call_later(1s, [this] { ev("timer 1s: not reached"); });
    loop.call_later(0s, [this] { ev("timer 0s"); });
    loop.call_soon([this, &loop] { chain(ev, loop, 1, 10); });
    ev("main returns");
    co_return;
  }
};

TEST(RunTest, CallSoonBeforeMainReturnsRunsDuringShutdown) {
  weft_test::run_and_compare<soon_shutdown>("run_call_soon_shutdown");
}

struct soon_leftover {
  weft_test::event_log ev;

  weft::coro<void> leftover() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("leftover cancelled");
    }
    co_await weft::sleep(0s);
    ev("leftover cleanup done");
    throw weft::cancelled_error();
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    weft::create_task(leftover());
    co_await weft::sleep(0s);
    loop.call_soon([this, &loop] { chain(ev, loop, 1, 12); });
    ev("main returns");
  }
};

TEST(RunTest, CallSoonChainDuringShutdownWithLeftoverTask) {
  weft_test::run_and_compare<soon_leftover>("run_call_soon_leftover");
}

}  // namespace
