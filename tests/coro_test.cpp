// Tests of weft::coro (coro.hpp): awaiting a coroutine runs it inline in the
// awaiting task, exceptions and move-only results travel back to the awaiter,
// a coroutine runs once, and one destroyed unstarted warns as CPython does.
// Ordering tests have a CPython twin in tests/reference/coro_*.py.

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "reference.hpp"
#include "text.hpp"
#include "warnings.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

// ---- is_coroutine_v / coroutine -------------------------------------------

weft::coro<int> answer() { co_return 42; }

static_assert(weft::is_coroutine_v<weft::coro<int>>);
static_assert(weft::is_coroutine_v<weft::coro<void>>);
static_assert(weft::is_coroutine_v<weft::coro<std::unique_ptr<int>>>);
static_assert(!weft::is_coroutine_v<weft::task<int>>);
static_assert(!weft::is_coroutine_v<weft::future<int>>);
static_assert(!weft::is_coroutine_v<int>);
static_assert(!weft::is_coroutine_v<weft::coro<int> (*)()>);  // a coroutine function is not a coroutine
static_assert(weft::coroutine<weft::coro<int>>);
static_assert(weft::coroutine<const weft::coro<int>&>);
static_assert(weft::coroutine<weft::coro<void>&&>);
static_assert(weft::coroutine<decltype(answer())>);
static_assert(!weft::coroutine<weft::task<void>>);
static_assert(!weft::coroutine<decltype(&answer)>);
static_assert(!std::is_copy_constructible_v<weft::coro<int>>);
static_assert(std::is_nothrow_move_constructible_v<weft::coro<int>>);

template <class T>
constexpr const char* kind_of(const T&) {
  if constexpr (weft::coroutine<T>)
    return "coroutine";
  else
    return "other";
}

TEST(CoroTest, IsCoroutineTellsCoroutinesFromTasksAndFunctions) {
  // asyncio.iscoroutine: true for the object a coroutine function returns,
  // false for the function, a task, a future or a plain value.
  auto c = answer();
  EXPECT_STREQ(kind_of(c), "coroutine");
  EXPECT_STREQ(kind_of(&answer), "other");
  EXPECT_STREQ(kind_of(42), "other");
  EXPECT_TRUE(weft::is_coroutine_v<decltype(c)>);
  EXPECT_FALSE(weft::is_coroutine_v<weft::task<int>>);
  EXPECT_EQ(weft_test::run_virtual(std::move(c)), 42);
  weft::future<int> f;
  EXPECT_STREQ(kind_of(f), "other");
}

// ---- inline await ----------------------------------------------------------

struct inline_await {
  weft_test::event_log ev;

  weft::coro<int> inner(int x) {
    ev("inner start");
    ev("inner end");
    co_return x * 2;
  }

  weft::coro<void> other() {
    ev("other task runs");
    co_return;
  }

  weft::coro<void> main_coro() {
    weft::get_running_loop().call_soon([this] { ev("callback runs"); });
    auto t = weft::create_task(other());
    ev("before await");
    int r = co_await inner(21);
    ev("after await " + std::to_string(r));
    r = co_await inner(5);
    ev("after second await " + std::to_string(r));
    co_await weft::sleep(0s);
    ev("after sleep(0)");
    co_await t;
  }
};

TEST(CoroTest, AwaitRunsCoroutineInlineWithoutLoopHop) {
  weft_test::run_and_compare<inline_await>("coro_inline");
}

TEST(CoroTest, AwaitDoesNotTouchTheReadyQueue) {
  // The same rule seen from the loop: awaiting a coroutine that finishes
  // without suspending schedules nothing.
  auto body = []() -> weft::coro<std::size_t> {
    weft::event_loop& loop = weft::get_running_loop();
    const std::size_t before = loop.ready_count();
    const weft::time_point t0 = loop.time();
    int sum = 0;
    for (int i = 0; i < 100; ++i) sum += co_await answer();
    EXPECT_EQ(sum, 4200);
    EXPECT_EQ(loop.time(), t0);
    co_return loop.ready_count() - before;
  };
  EXPECT_EQ(weft_test::run_virtual(body()), 0u);
}

// ---- three levels deep -----------------------------------------------------

struct nested {
  weft_test::event_log ev;

  weft::coro<int> level3() {
    ev("level3 start in " + weft::current_task().get_name());
    co_await weft::sleep(1s);
    ev("level3 woke");
    co_return 3;
  }

  weft::coro<int> level2() {
    ev("level2 start");
    int r = co_await level3();
    ev("level2 got " + std::to_string(r));
    co_await weft::sleep(500ms);
    ev("level2 woke");
    co_return r + 20;
  }

  weft::coro<int> level1() {
    ev("level1 start");
    int r = co_await level2();
    ev("level1 got " + std::to_string(r));
    co_return r + 100;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(weft_test::ticker(ev, 4, 500ms), {.name = "ticker"});
    int r = co_await level1();
    ev("main got " + std::to_string(r));
    co_await t;
  }
};

TEST(CoroTest, NestedThreeDeepRunInTheAwaitingTask) {
  weft_test::run_and_compare<nested>("coro_nested");
}

// ---- exceptions ------------------------------------------------------------

struct raising {
  weft_test::event_log ev;

  weft::coro<int> fail_at_once() {
    ev("fail_at_once raises");
    throw std::invalid_argument("at once");
    co_return 0;
  }

  weft::coro<void> fail_after_sleep() {
    co_await weft::sleep(2s);
    ev("fail_after_sleep raises");
    throw std::invalid_argument("after sleep");
  }

  weft::coro<void> middle() {
    struct finally {
      weft_test::event_log& ev;
      ~finally() { ev("middle finally"); }
    } f{ev};
    co_await fail_after_sleep();
    ev("middle: not reached");
  }

  weft::coro<void> outer() {
    co_await middle();
    ev("outer: not reached");
  }

  weft::coro<void> main_coro() {
    weft::get_running_loop().call_soon([this] { ev("callback runs"); });
    try {
      co_await fail_at_once();
    } catch (const std::invalid_argument& e) {
      ev(std::string("main caught ") + e.what());
    }
    try {
      co_await outer();
    } catch (const std::invalid_argument& e) {
      ev(std::string("main caught ") + e.what());
    }
    ev("main done");
  }
};

TEST(CoroTest, ExceptionPropagatesToTheAwaiter) {
  weft_test::run_and_compare<raising>("coro_raise");
}

TEST(CoroTest, ExceptionKeepsItsTypeAndObject) {
  struct custom_error {
    int code;
  };
  auto thrower = []() -> weft::coro<void> {
    throw custom_error{7};
    co_return;
  };
  auto body = [&]() -> weft::coro<int> {
    try {
      co_await thrower();
    } catch (const custom_error& e) {
      co_return e.code;
    }
    co_return -1;
  };
  EXPECT_EQ(weft_test::run_virtual(body()), 7);
}

// ---- move-only results -----------------------------------------------------

weft::coro<std::unique_ptr<int>> make_box(int v) {
  co_await weft::sleep(0s);
  co_return std::make_unique<int>(v);
}

weft::coro<std::unique_ptr<int>> forward_box(int v) {
  auto p = co_await make_box(v);  // moved out of the inner coroutine
  *p += 1;
  co_return p;  // implicitly moved
}

TEST(CoroTest, CoReturnOfMoveOnlyValue) {
  auto body = []() -> weft::coro<int> {
    std::unique_ptr<int> a = co_await make_box(40);
    std::unique_ptr<int> b = co_await forward_box(1);
    // Through a task too: awaiting an rvalue task moves the result out.
    std::unique_ptr<int> c = co_await weft::create_task(forward_box(99));
    co_return *a + *b + *c;
  };
  EXPECT_EQ(weft_test::run_virtual(body()), 40 + 2 + 100);
  std::unique_ptr<int> r = weft_test::run_virtual(forward_box(6));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(*r, 7);
}

// ---- a coroutine runs once ---------------------------------------------------

struct reuse {
  weft_test::event_log ev;

  weft::coro<int> inner() {
    ev("inner runs");
    co_return 1;
  }

  weft::coro<void> main_coro() {
    auto c = inner();
    EXPECT_FALSE(c.started());
    ev("first await " + std::to_string(co_await c));
    EXPECT_TRUE(c.started());
    try {
      co_await c;
      ev("second await: no error");
    } catch (const std::runtime_error& e) {
      ev(std::string("second await: RuntimeError ") + e.what());
    }
    // CPython accepts the spent coroutine in create_task; the task then fails
    // at its first step with the same RuntimeError.
    weft::task<int> t;
    try {
      t = weft::create_task(std::move(c), {.name = "reuse"});
    } catch (const std::runtime_error& e) {
      ev(std::string("create_task raised RuntimeError ") + e.what());
      co_return;
    }
    ev("task created");
    co_await weft::sleep(0s);
    ev("task done " + py(t.done()));
    ev("task exception: RuntimeError " + weft_test::exception_text(t.exception()));
  }
};

TEST(CoroTest, AwaitingTwiceRaisesRuntimeError) {
  weft_test::run_and_compare<reuse>("coro_reuse");
}

TEST(CoroTest, AwaitingTwiceMessageAndType) {
  auto body = []() -> weft::coro<std::string> {
    auto c = answer();
    EXPECT_EQ(co_await c, 42);
    try {
      (void)co_await c;
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no error";
  };
  EXPECT_EQ(weft_test::run_virtual(body()), "cannot reuse already awaited coroutine");
}

TEST(CoroTest, AwaitingAMovedFromCoroutineIsALogicError) {
  // Not a Python situation: a moved-from coro holds nothing.
  auto body = []() -> weft::coro<bool> {
    auto c = answer();
    auto d = std::move(c);
    EXPECT_FALSE(static_cast<bool>(c));  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(static_cast<bool>(d));
    bool threw = false;
    try {
      (void)co_await c;  // NOLINT(bugprone-use-after-move)
    } catch (const std::logic_error&) {
      threw = true;
    }
    EXPECT_EQ(co_await d, 42);
    co_return threw;
  };
  EXPECT_TRUE(weft_test::run_virtual(body()));
}

// ---- never awaited -----------------------------------------------------------

struct never_awaited {
  weft_test::event_log ev;

  weft::coro<void> forgotten() {
    ev("forgotten runs");
    co_return;
  }

  weft::coro<void> awaited() {
    ev("awaited runs");
    co_return;
  }

  weft::coro<void> in_task() {
    ev("in_task runs");
    co_return;
  }

  weft::coro<void> main_coro() {
    {
      auto c = forgotten();
      ev("created");
    }
    ev("dropped");
    {
      auto c = awaited();
      co_await c;
    }
    ev("dropped the awaited one");
    {
      auto t = weft::create_task(in_task());
      co_await t;
    }
    ev("main done");
  }
};

TEST(CoroTest, NeverAwaitedCoroutineWarns) {
  never_awaited program;
  weft_test::captured_warnings warnings([&](std::string_view m) {
    if (weft::running_loop_or_null()) program.ev(m);
  });
  weft_test::run_virtual(program.main_coro());
  weft_test::expect_reference("coro_never_awaited", program.ev);
}

weft::coro<int> never_started_in_test() { co_return 1; }

TEST(CoroTest, NeverAwaitedWarningNamesTheCoroutineFunction) {
  weft_test::captured_warnings warnings;
  { auto c = never_started_in_test(); }
  ASSERT_EQ(warnings.messages().size(), 1u);
  EXPECT_EQ(warnings.messages()[0], "RuntimeWarning: coroutine 'never_started_in_test' was never awaited");
  // Moving the object moves the obligation: one warning, not two.
  {
    auto c = answer();
    auto d = std::move(c);
  }
  ASSERT_EQ(warnings.messages().size(), 2u);
  EXPECT_EQ(warnings.messages()[1], "RuntimeWarning: coroutine 'answer' was never awaited");
  // No warning for a coroutine that ran, nor for an empty object.
  EXPECT_EQ(weft_test::run_virtual(answer()), 42);
  { weft::coro<int> empty; }
  EXPECT_EQ(warnings.messages().size(), 2u);
}

TEST(CoroTest, CoroutineInfoNamesItsFunction) {
  weft_test::captured_warnings warnings;
  auto c = answer();
  EXPECT_STREQ(c.info().function, "answer");
  EXPECT_GT(c.info().line, 0u);
  EXPECT_FALSE(c.started());
  EXPECT_EQ(weft_test::run_virtual(std::move(c)), 42);
  EXPECT_TRUE(warnings.messages().empty());
}

TEST(CoroTest, TaskDestroyedBeforeItsFirstStepWarnsAfterTheHandler) {
  // CPython reports the pending task ("Task was destroyed but it is
  // pending!"), then the coroutine it never started warns as any other
  // unawaited coroutine does (the task never called coro.send).
  weft_test::event_log ev;
  {
    weft_test::virtual_loop v;
    weft::event_loop& l = v.loop;
    weft_test::captured_warnings warnings([&](std::string_view m) { ev.at(l, m); });
    l.set_exception_handler([&ev](weft::event_loop& el, const weft::exception_context& ctx) {
      ev.at(el, "handler: " + ctx.message + " " + ctx.task_name);
    });
    {
      auto t = l.create_task(answer(), {.name = "unstarted"});
      l.close();
    }
    ev.at(l, "after");
  }
  weft_test::expect_reference("coro_task_never_started", ev);
}

}  // namespace

// ---- caught(): how a coroutine ended, without a throw ----

namespace caught {
weft::coro<int> value_of(int v) {
  co_await weft::sleep(weft::duration::zero());
  co_return v;
}
weft::coro<int> raising(std::string msg) {
  co_await weft::sleep(weft::duration::zero());
  throw std::invalid_argument(msg);
}
weft::coro<void> nothing() { co_return; }

weft::coro<std::string> main_coro() {
  std::string seen;
  auto a = value_of(7);
  weft::outcome<int> ok = co_await a.caught();
  seen += ok.has_value() ? "value " + std::to_string(ok.value()) : "exception";
  auto b = raising("boom");
  weft::outcome<int> bad = co_await b.caught();
  try {
    std::rethrow_exception(bad.exception());
  } catch (const std::invalid_argument& e) {
    seen += std::string(", raised ") + e.what();
  }
  auto c = nothing();
  weft::outcome<std::monostate> none = co_await c.caught();
  seen += none.has_value() ? ", void" : ", void raised";
  // A coroutine that already ran is refused as `co_await c` refuses it.
  try {
    (void)co_await a.caught();
  } catch (const std::runtime_error& e) {
    seen += std::string(", ") + e.what();
  }
  co_return seen;
}
}  // namespace caught

TEST(CoroTest, CaughtReturnsTheValueOrTheExceptionWithoutThrowing) {
  EXPECT_EQ(weft_test::run_virtual(caught::main_coro()),
            "value 7, raised boom, void, cannot reuse already awaited coroutine");
}

// ---- co_return raising{e}: ending with an exception without a throw ----

namespace quiet_failure {
weft::coro<int> fails_quietly() {
  co_await weft::sleep(weft::duration::zero());
  co_return weft::raising{std::make_exception_ptr(std::invalid_argument("quiet"))};
}

weft::coro<std::string> main_coro() {
  std::string seen;
  try {
    (void)co_await fails_quietly();  // awaited: it raises here
  } catch (const std::invalid_argument& e) {
    seen += std::string("awaited: ") + e.what();
  }
  auto t = weft::create_task(fails_quietly());  // as a task: the task fails with it
  try {
    (void)co_await t;
  } catch (const std::invalid_argument& e) {
    seen += std::string(", task: ") + e.what();
  }
  co_return seen;
}
}  // namespace quiet_failure

TEST(CoroTest, CoReturnRaisingEndsTheCoroutineWithTheException) {
  EXPECT_EQ(weft_test::run_virtual(quiet_failure::main_coro()), "awaited: quiet, task: quiet");
}

// ---- co_await raise_up{e}: a void coroutine ending with an exception without a throw ----

namespace raised_up {
weft::coro<void> fails_up(std::exception_ptr e, int& after) {
  co_await weft::sleep(weft::duration::zero());
  co_await weft::detail::raise_up{e};
  ++after;  // never runs: the coroutine ended above
}

weft::coro<std::string> main_coro() {
  std::string seen;
  int after = 0;
  const std::exception_ptr boom = std::make_exception_ptr(std::invalid_argument("up"));
  try {
    co_await fails_up(boom, after);  // awaited: the awaiter raises the same object
  } catch (const std::invalid_argument& e) {
    seen += std::string("awaited: ") + e.what() + (std::current_exception() == boom ? " (same)" : " (copy)");
  }
  auto caught = fails_up(boom, after);
  const weft::outcome<std::monostate> o = co_await caught.caught();
  seen += o.exception() == boom ? ", caught: same" : ", caught: other";
  auto t = weft::create_task(fails_up(boom, after));  // nobody awaits a task's own coroutine: it throws
  try {
    co_await t;
  } catch (const std::invalid_argument& e) {
    seen += std::string(", task: ") + e.what();
  }
  seen += ", after ran " + std::to_string(after) + " times";
  co_return seen;
}
}  // namespace raised_up

TEST(CoroTest, RaiseUpEndsAVoidCoroutineWithTheExceptionAtItsAwaiter) {
  EXPECT_EQ(weft_test::run_virtual(raised_up::main_coro()),
            "awaited: up (same), caught: same, task: up, after ran 0 times");
}

// ---- a primitive's wait as a task's own coroutine, cancelled ----
// Nothing inside such a task awaits the primitive's coroutine, so raise_up
// throws there as usual: the task ends cancelled, and the primitive goes on
// as if that waiter had left.

namespace waits_as_tasks {
struct program {
  weft_test::event_log ev;

  template <class T>
  weft::coro<void> report(std::string name, weft::task<T> t) {
    try {
      (void)co_await t;
      ev(name + " finished");
    } catch (const weft::cancelled_error& e) {
      ev(name + " cancelled " + (e.message() ? *e.message() : "None"));
    }
  }

  weft::coro<void> main_coro() {
    weft::lock lock;
    weft::event event;
    weft::semaphore sem(0);
    weft::condition cond;
    weft::queue<std::string> empty;
    weft::queue<std::string> full(1);
    full.put_nowait("x");
    co_await lock.acquire();
    co_await cond.acquire();
    auto t_lock = weft::create_task(lock.acquire());
    auto t_event = weft::create_task(event.wait());
    auto t_sem = weft::create_task(sem.acquire());
    auto t_cond = weft::create_task(cond.wait());
    auto t_get = weft::create_task(empty.get());
    auto t_put = weft::create_task(full.put("y"));
    auto t_join = weft::create_task(full.join());
    auto next_lock = weft::create_task(lock.acquire());
    auto next_sem = weft::create_task(sem.acquire());
    co_await weft::sleep(1s);
    t_lock.cancel("stop lock");
    t_event.cancel("stop event");
    t_sem.cancel("stop semaphore");
    t_cond.cancel("stop condition");
    t_get.cancel("stop get");
    t_put.cancel("stop put");
    t_join.cancel("stop join");
    ev("cancelled every wait");
    // Each report in its own statement (g++ 12 and temporaries in a co_await operand).
    std::vector<weft::coro<void>> reports;
    reports.push_back(report("lock", t_lock));
    reports.push_back(report("event", t_event));
    reports.push_back(report("semaphore", t_sem));
    reports.push_back(report("condition", t_cond));
    reports.push_back(report("get", t_get));
    reports.push_back(report("put", t_put));
    reports.push_back(report("join", t_join));
    for (auto& r : reports) co_await std::move(r);
    ev("condition's lock held again " + py(cond.locked()));
    lock.release();
    co_await next_lock;
    ev("the next lock waiter got it " + py(lock.locked()));
    sem.release();
    co_await next_sem;
    ev("the next semaphore waiter got it " + py(sem.locked()));
    ev("queues " + std::to_string(empty.qsize()) + " " + std::to_string(full.qsize()));
  }
};
}  // namespace waits_as_tasks

TEST(CoroTest, PrimitiveWaitsRunAsTasksEndCancelled) {
  weft_test::run_and_compare<waits_as_tasks::program>("primitive_waits_as_tasks_cancelled");
}
