// Tests of weft::task (task.hpp): when steps run, how completion reaches an
// awaiter, cancellation in every state of a task, names, eager tasks and the
// eager task factories, current_task / all_tasks, done callbacks, results and
// exceptions, and misuse. Every ordering test has a CPython twin in
// tests/reference/task_*.py, whose output (task_*.out) is the expectation.

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "text.hpp"
#include "warnings.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;

/// The name of the current task, or "None" outside of a task.
std::string current_name() {
  weft::any_task t = weft::current_task();
  return t ? t.get_name() : "None";
}

/// The cancel message of a cancelled_error, "None" without one (as e.args).
std::string msg_of(const weft::cancelled_error& e) { return e.message() ? *e.message() : "None"; }

/// all_tasks() as sorted names (CPython returns a set; the twin sorts too).
std::string sorted_task_names() {
  std::vector<std::string> names;
  for (const weft::any_task& t : weft::all_tasks()) names.push_back(t.get_name());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

// ---- ordering and hops -----------------------------------------------------

struct first_step_order {
  weft_test::event_log ev;

  weft::coro<void> child() {
    ev("child step 1");
    co_await weft::sleep(0s);
    ev("child step 2");
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    loop.call_soon([this] { ev("callback queued before create_task"); });
    auto t = weft::create_task(child(), {.name = "child"});
    loop.call_soon([this] { ev("callback queued after create_task"); });
    ev("main after create_task");
    co_await weft::sleep(0s);
    ev("main after sleep(0)");
    co_await t;
    ev("main after await child");
  }
};

TEST(TaskTest, FirstStepRunsAfterCallbacksAlreadyQueued) {
  weft_test::run_and_compare<first_step_order>("task_first_step_order");
}

struct completion_hop {
  weft_test::event_log ev;

  weft::coro<int> child() {
    ev("child starts");
    co_await weft::sleep(0s);
    ev("child returns 7");
    co_return 7;
  }

  weft::coro<void> main_coro() {
    auto tk = weft::create_task(weft_test::ticker(ev, 5, 0s, "ticker tick"), {.name = "ticker"});
    auto c = weft::create_task(child(), {.name = "child"});
    int r = co_await c;
    ev("main got " + std::to_string(r));
    co_await tk;
    ev("main done");
  }
};

TEST(TaskTest, CompletionReachesAwaiterOneIterationLater) {
  weft_test::run_and_compare<completion_hop>("task_completion_hop");
}

struct creation_order {
  weft_test::event_log ev;

  weft::coro<std::string> worker(std::string name) {
    ev(name + " starts");
    co_await weft::sleep(0s);
    ev(name + " ends");
    co_return name;
  }

  weft::coro<void> main_coro() {
    auto a = weft::create_task(worker("a"), {.name = "a"});
    auto b = weft::create_task(worker("b"), {.name = "b"});
    auto c = weft::create_task(worker("c"), {.name = "c"});
    ev("main created a b c");
    std::vector<weft::task<std::string>> order{c, b, a};
    for (auto& t : order) {
      std::string r = co_await t;
      ev("main awaited " + r);
    }
  }
};

TEST(TaskTest, TasksCreatedInARowStartInCreationOrder) {
  weft_test::run_and_compare<creation_order>("task_creation_order");
}

struct await_done {
  weft_test::event_log ev;

  weft::coro<int> child() {
    ev("child runs");
    co_return 3;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto t = weft::create_task(child(), {.name = "child"});
    co_await weft::sleep(0s);
    co_await weft::sleep(0s);
    ev("child done " + py(t.done()));
    loop.call_soon([this] { ev("callback"); });
    int r = co_await t;
    ev("main got " + std::to_string(r) + " without suspending");
    co_await weft::sleep(0s);
    ev("main after sleep(0)");
  }
};

TEST(TaskTest, AwaitingADoneTaskDoesNotSuspend) {
  weft_test::run_and_compare<await_done>("task_await_done");
}

// ---- cancellation ----------------------------------------------------------

struct cancel_before_start {
  weft_test::event_log ev;

  weft::coro<void> body() {
    ev("body runs");
    co_return;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(body(), {.name = "t"});
    ev("cancel returns " + py(t.cancel()));
    ev("cancelling " + std::to_string(t.cancelling()) + " done " + py(t.done()) + " cancelled " + py(t.cancelled()));
    try {
      co_await t;
      ev("await returned");
    } catch (const weft::cancelled_error&) {
      ev("main got CancelledError");
    }
    ev("cancelling " + std::to_string(t.cancelling()) + " done " + py(t.done()) + " cancelled " + py(t.cancelled()));
  }
};

TEST(TaskTest, CancelBeforeFirstStepSkipsTheBody) {
  weft_test::run_and_compare<cancel_before_start>("task_cancel_before_start");
}

struct cancel_sleeping {
  weft_test::event_log ev;

  weft::coro<void> sleeper() {
    ev("sleeper starts");
    try {
      co_await weft::sleep(10s);
      ev("sleeper woke");
    } catch (const weft::cancelled_error&) {
      ev("sleeper cleanup");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(sleeper(), {.name = "sleeper"});
    co_await weft::sleep(1s);
    ev("cancel returns " + py(t.cancel()));
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ev("main got CancelledError");
    }
    ev("cancelled " + py(t.cancelled()) + " cancelling " + std::to_string(t.cancelling()));
    co_await weft::sleep(20s);
    ev("main done");
  }
};

TEST(TaskTest, CancelWhileSleepingRaisesAtTheSleep) {
  weft_test::run_and_compare<cancel_sleeping>("task_cancel_sleeping");
}

struct cancel_awaiting_task {
  weft_test::event_log ev;

  weft::coro<void> inner() {
    ev("inner starts");
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("inner cancelled");
      throw;
    }
  }

  weft::coro<void> outer(weft::task<void>* inner_task) {
    *inner_task = weft::create_task(inner(), {.name = "inner"});
    try {
      co_await *inner_task;
    } catch (const weft::cancelled_error&) {
      ev("outer cancelled");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    weft::task<void> inner_task;
    auto o = weft::create_task(outer(&inner_task), {.name = "outer"});
    co_await weft::sleep(1s);
    ev("cancel outer returns " + py(o.cancel()));
    ev("outer cancelling " + std::to_string(o.cancelling()) + " inner cancelling " +
       std::to_string(inner_task.cancelling()));
    try {
      co_await o;
    } catch (const weft::cancelled_error&) {
      ev("main got CancelledError");
    }
    ev("outer cancelled " + py(o.cancelled()) + " inner cancelled " + py(inner_task.cancelled()));
  }
};

TEST(TaskTest, CancelForwardsToTheAwaitedTask) {
  weft_test::run_and_compare<cancel_awaiting_task>("task_cancel_awaiting_task");
}

struct cancel_forwarded_ignored {
  weft_test::event_log ev;

  weft::coro<int> inner() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("inner swallows the cancellation");
    }
    co_await weft::sleep(1s);
    ev("inner returns 5");
    co_return 5;
  }

  weft::coro<int> outer(weft::task<int>* inner_task) {
    *inner_task = weft::create_task(inner(), {.name = "inner"});
    int r = co_await *inner_task;
    ev("outer got " + std::to_string(r));
    co_return r * 2;
  }

  weft::coro<void> main_coro() {
    weft::task<int> inner_task;
    auto o = weft::create_task(outer(&inner_task), {.name = "outer"});
    co_await weft::sleep(1s);
    ev("cancel outer returns " + py(o.cancel()));
    int r = co_await o;
    ev("main got " + std::to_string(r));
    ev("outer cancelled " + py(o.cancelled()) + " cancelling " + std::to_string(o.cancelling()));
    ev("inner cancelled " + py(inner_task.cancelled()) + " cancelling " + std::to_string(inner_task.cancelling()));
  }
};

TEST(TaskTest, ForwardedCancelSwallowedByAwaitedTaskLetsAwaiterGoOn) {
  weft_test::run_and_compare<cancel_forwarded_ignored>("task_cancel_forwarded_ignored");
}

struct cancel_twice {
  weft_test::event_log ev;

  weft::coro<void> sleeper() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("sleeper caught CancelledError");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(sleeper(), {.name = "sleeper"});
    co_await weft::sleep(1s);
    ev("first cancel returns " + py(t.cancel()));
    ev("second cancel returns " + py(t.cancel()));
    ev("cancelling " + std::to_string(t.cancelling()));
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ev("main got CancelledError");
    }
    ev("cancelled " + py(t.cancelled()) + " cancelling " + std::to_string(t.cancelling()));
  }
};

TEST(TaskTest, CancelTwiceCountsTwoRequestsAndRaisesOnce) {
  weft_test::run_and_compare<cancel_twice>("task_cancel_twice");
}

struct cancel_done {
  weft_test::event_log ev;

  weft::coro<int> child() {
    co_await weft::sleep(1s);
    co_return 5;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(child(), {.name = "child"});
    int r = co_await t;
    ev("main got " + std::to_string(r));
    ev("cancel returns " + py(t.cancel()));
    ev("cancelled " + py(t.cancelled()) + " cancelling " + std::to_string(t.cancelling()) + " result " +
       std::to_string(t.result()));
  }
};

TEST(TaskTest, CancelOfADoneTaskReturnsFalse) {
  weft_test::run_and_compare<cancel_done>("task_cancel_done");
}

struct cancel_message {
  weft_test::event_log ev;

  weft::coro<void> victim() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error& e) {
      ev("victim caught msg=" + msg_of(e));
      throw;
    }
  }

  weft::coro<void> waiter(std::string name, weft::task<void> t) {
    try {
      co_await t;
    } catch (const weft::cancelled_error& e) {
      ev(name + " caught msg=" + msg_of(e));
    }
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(victim(), {.name = "victim"});
    auto w1 = weft::create_task(waiter("w1", t), {.name = "w1"});
    auto w2 = weft::create_task(waiter("w2", t), {.name = "w2"});
    co_await weft::sleep(1s);
    ev("cancel returns " + py(t.cancel("bye")));
    co_await w1;
    co_await w2;
    try {
      t.result();
    } catch (const weft::cancelled_error& e) {
      ev("result() raised msg=" + msg_of(e));
    }
  }
};

TEST(TaskTest, CancelMessageReachesTheTaskAndOnlyItsFirstAwaiter) {
  weft_test::run_and_compare<cancel_message>("task_cancel_message");
}

struct cancel_caught {
  weft_test::event_log ev;

  weft::coro<int> stubborn() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("stubborn caught, cancelling " + std::to_string(weft::current_task().cancelling()));
    }
    co_await weft::sleep(1s);
    ev("stubborn returns 42");
    co_return 42;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(stubborn(), {.name = "stubborn"});
    co_await weft::sleep(1s);
    ev("cancel returns " + py(t.cancel()));
    int r = co_await t;
    ev("main got " + std::to_string(r));
    ev("cancelled " + py(t.cancelled()) + " cancelling " + std::to_string(t.cancelling()));
  }
};

TEST(TaskTest, CaughtCancellationLetsTheTaskReturnAValue) {
  weft_test::run_and_compare<cancel_caught>("task_cancel_caught_continues");
}

struct uncancel {
  weft_test::event_log ev;

  weft::coro<std::string> stubborn() {
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("caught, uncancel returns " + std::to_string(weft::current_task().uncancel()));
    }
    co_await weft::sleep(1s);
    ev("slept on, cancelling " + std::to_string(weft::current_task().cancelling()));
    co_return "ok";
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(stubborn(), {.name = "stubborn"});
    co_await weft::sleep(1s);
    bool cancelled = t.cancel();
    ev("cancel returns " + py(cancelled) + " cancelling " + std::to_string(t.cancelling()));
    std::string r = co_await t;
    ev("main got " + r);
    ev("cancelled " + py(t.cancelled()) + " cancelling " + std::to_string(t.cancelling()));
  }
};

TEST(TaskTest, UncancelAfterCatchingResetsTheCount) {
  weft_test::run_and_compare<uncancel>("task_uncancel");
}

struct uncancel_before_start {
  weft_test::event_log ev;

  weft::coro<int> body() {
    ev("body runs");
    co_await weft::sleep(1s);
    ev("body returns");
    co_return 1;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(body(), {.name = "t"});
    ev("cancel returns " + py(t.cancel()));
    ev("uncancel returns " + std::to_string(t.uncancel()));
    int r = co_await t;
    ev("main got " + std::to_string(r) + " cancelled " + py(t.cancelled()));
  }
};

TEST(TaskTest, UncancelBeforeFirstStepWithdrawsThePendingCancel) {
  weft_test::run_and_compare<uncancel_before_start>("task_uncancel_before_start");
}

struct cancel_scheduled {
  weft_test::event_log ev;

  weft::coro<void> yielder() {
    ev("yielder before sleep(0)");
    try {
      co_await weft::sleep(0s);
      ev("yielder after sleep(0)");
    } catch (const weft::cancelled_error&) {
      ev("yielder cancelled at sleep(0)");
      throw;
    }
  }

  weft::coro<void> future_waiter(weft::future<int> f) {
    try {
      int r = co_await f;
      ev("future_waiter got " + std::to_string(r));
    } catch (const weft::cancelled_error&) {
      ev("future_waiter cancelled, future result " + std::to_string(f.result()));
      throw;
    }
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    auto y = weft::create_task(yielder(), {.name = "yielder"});
    co_await weft::sleep(0s);
    ev("cancel yielder returns " + py(y.cancel()));
    auto f = loop.create_future<int>();
    auto w = weft::create_task(future_waiter(f), {.name = "future_waiter"});
    co_await weft::sleep(0s);
    f.set_result(1);
    ev("cancel future_waiter returns " + py(w.cancel()));
    std::vector<weft::task<void>> both{y, w};
    for (auto& t : both) {
      try {
        co_await t;
      } catch (const weft::cancelled_error&) {
        ev(t.get_name() + " cancelled " + py(t.cancelled()));
      }
    }
  }
};

TEST(TaskTest, CancelWhileScheduledRaisesAtTheNextStep) {
  weft_test::run_and_compare<cancel_scheduled>("task_cancel_scheduled");
}

struct cancel_eager_await {
  weft_test::event_log ev;

  weft::coro<void> eager_sleeper() {
    ev("eager_sleeper starts");
    try {
      co_await weft::sleep(5s);
      ev("eager_sleeper woke");
    } catch (const weft::cancelled_error&) {
      ev("eager_sleeper cancelled");
      throw;
    }
  }

  weft::coro<void> self_canceller() {
    ev("self_canceller cancel returns " + py(weft::current_task().cancel()));
    try {
      co_await weft::sleep(5s);
      ev("self_canceller woke");
    } catch (const weft::cancelled_error&) {
      ev("self_canceller cancelled");
      throw;
    }
  }

  weft::coro<void> main_coro() {
    auto e = weft::create_task(eager_sleeper(), {.name = "eager_sleeper", .eager_start = true});
    bool done = e.done();
    ev("after create_task done " + py(done) + " cancel returns " + py(e.cancel()));
    auto s = weft::create_task(self_canceller(), {.name = "self_canceller", .eager_start = true});
    ev("after create_task done " + py(s.done()));
    std::vector<weft::task<void>> both{e, s};
    for (auto& t : both) {
      try {
        co_await t;
      } catch (const weft::cancelled_error&) {
        ev("main: " + t.get_name() + " cancelled " + py(t.cancelled()));
      }
    }
  }
};

TEST(TaskTest, CancelDuringAnEagerFirstStepsAwait) {
  weft_test::run_and_compare<cancel_eager_await>("task_cancel_eager_await");
}

struct cancel_reraise {
  weft_test::event_log ev;

  weft::coro<void> careful() {
    // C++ cannot co_await inside a handler: keep the exception, clean up after
    // the catch block, then rethrow it (Python awaits inside `except`).
    std::exception_ptr cancelled;
    try {
      co_await weft::sleep(10s);
    } catch (const weft::cancelled_error&) {
      ev("careful cleaning up");
      cancelled = std::current_exception();
    }
    if (cancelled) {
      co_await weft::sleep(1s);
      ev("careful re-raises");
      std::rethrow_exception(cancelled);
    }
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(careful(), {.name = "careful"});
    co_await weft::sleep(1s);
    ev("cancel returns " + py(t.cancel()));
    co_await weft::sleep(500ms);
    ev("during cleanup done " + py(t.done()));
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ev("main got CancelledError");
    }
    ev("cancelled " + py(t.cancelled()));
  }
};

TEST(TaskTest, CancelledTaskThatCleansUpAndReraisesEndsCancelled) {
  weft_test::run_and_compare<cancel_reraise>("task_cancel_reraise");
}

// ---- names and get_coro ----------------------------------------------------

struct names {
  weft_test::event_log ev;

  weft::coro<void> noop() { co_await weft::sleep(0s); }

  weft::coro<void> main_coro() {
    ev("main is " + weft::current_task().get_name());
    auto a = weft::create_task(noop());
    auto b = weft::create_task(noop(), {.name = "explicit"});
    auto c = weft::create_task(noop());
    ev("names " + a.get_name() + " " + b.get_name() + " " + c.get_name());
    c.set_name("renamed");
    weft::current_task().set_name("main");
    ev("after set_name " + c.get_name() + " " + weft::current_task().get_name());
    co_await a;
    co_await b;
    co_await c;
    auto d = weft::create_task(noop());
    ev("next unnamed " + d.get_name());
    co_await d;
  }
};

TEST(TaskTest, AutomaticNamesCountPerLoopAndSkipExplicitNames) {
  weft_test::run_and_compare<names>("task_names");
  // Counted per loop: a second run starts again at Task-1 (CPython's counter
  // is process-wide; weft keeps it on the loop so reruns name tasks alike).
  weft_test::run_and_compare<names>("task_names");
}

struct get_coro {
  weft_test::event_log ev;

  weft::coro<int> worker() {
    co_await weft::sleep(0s);
    co_return 1;
  }

  weft::coro<int> quick() { co_return 2; }

  std::string coro_name(const weft::any_task& t) {
    std::optional<weft::coro_info> c = t.get_coro();
    return c ? std::string(c->function) : "None";
  }

  weft::coro<void> main_coro() {
    auto w = weft::create_task(worker(), {.name = "w"});
    ev("w coro " + coro_name(w));
    co_await w;
    ev("w done coro " + coro_name(w));
    auto q = weft::create_task(quick(), {.name = "q", .eager_start = true});
    ev("q done " + py(q.done()) + " coro " + coro_name(q));
    auto s = weft::create_task(worker(), {.name = "s", .eager_start = true});
    ev("s done " + py(s.done()) + " coro " + coro_name(s));
    co_await s;
    ev("s done coro " + coro_name(s));
  }
};

TEST(TaskTest, GetCoroNamesTheFunctionAndIsEmptyAfterEagerCompletion) {
  weft_test::run_and_compare<get_coro>("task_get_coro");
}

// A coroutine's own arguments never stand in for its name and line, even
// when they have the types the promise records (a name and a line).
weft::coro<int> takes_a_name_and_a_line(const char* who, unsigned n) { co_return who[0] + static_cast<int>(n); }

TEST(TaskTest, GetCoroIsNotFooledByTheCoroutinesArguments) {
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock});
  auto t = loop.create_task(takes_a_name_and_a_line("hello", 7));
  const std::optional<weft::coro_info> c = t.get_coro();
  ASSERT_TRUE(c.has_value());
  EXPECT_STREQ(c->function, "takes_a_name_and_a_line");
  EXPECT_NE(c->line, 7u);
  EXPECT_EQ(loop.run_until_complete(t), 'h' + 7);
}

// ---- eager tasks -----------------------------------------------------------

struct eager_sync {
  weft_test::event_log ev;

  weft::coro<int> quick(std::string tag) {
    ev(tag + " runs");
    co_return 5;
  }

  weft::coro<void> main_coro() {
    ev("before create_task");
    auto e = weft::create_task(quick("eager"), {.name = "eager", .eager_start = true});
    bool done = e.done();
    ev("eager done " + py(done) + " result " + std::to_string(e.result()));
    auto lazy = weft::create_task(quick("lazy"), {.name = "lazy"});
    ev("lazy done " + py(lazy.done()));
    ev("tasks " + sorted_task_names());
    int r = co_await e;
    ev("await eager gives " + std::to_string(r));
    co_await lazy;
    ev("lazy done " + py(lazy.done()));
  }
};

TEST(TaskTest, EagerTaskFinishingInItsFirstStepIsDoneAtOnce) {
  weft_test::run_and_compare<eager_sync>("task_eager_sync");
}

struct eager_suspends {
  weft_test::event_log ev;

  weft::coro<int> eager() {
    ev("eager step 1");
    co_await weft::sleep(0s);
    ev("eager step 2");
    co_await weft::sleep(1s);
    ev("eager step 3");
    co_return 3;
  }

  weft::coro<void> main_coro() {
    auto e = weft::create_task(eager(), {.name = "eager", .eager_start = true});
    ev("main after create_task done " + py(e.done()));
    co_await weft::sleep(0s);
    ev("main after sleep(0)");
    int r = co_await e;
    ev("main got " + std::to_string(r));
  }
};

TEST(TaskTest, EagerTaskThatSuspendsGoesOnInLaterIterations) {
  weft_test::run_and_compare<eager_suspends>("task_eager_suspends");
}

struct eager_exception {
  weft_test::event_log ev;

  weft::coro<void> failing() {
    ev("failing raises");
    throw std::runtime_error("eager boom");
    co_return;
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(failing(), {.name = "failing", .eager_start = true});
    bool done = t.done();
    ev("done " + py(done) + " exception " + weft_test::exception_text(t.exception()));
    try {
      co_await t;
    } catch (const std::runtime_error& e) {
      ev(std::string("await raised ") + e.what());
    }
  }
};

TEST(TaskTest, EagerTaskRaisingInItsFirstStepIsDoneWithTheException) {
  weft_test::run_and_compare<eager_exception>("task_eager_exception");
}

/// The log, and the two bodies of the eager factory programs: one that
/// returns at once, one that suspends for `pause` between two steps.
struct eager_factory_program {
  weft_test::event_log ev;

  weft::coro<std::string> quick(std::string tag) {
    ev(tag + " runs");
    co_return tag;
  }

  weft::coro<std::string> slow(std::string tag, weft::duration pause) {
    ev(tag + " step 1");
    co_await weft::sleep(pause);
    ev(tag + " step 2");
    co_return tag;
  }
};

struct eager_factory : eager_factory_program {

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    loop.set_task_factory(weft::eager_task_factory);
    auto a = weft::create_task(quick("a"), {.name = "a"});
    ev("a done " + py(a.done()));
    auto b = weft::create_task(slow("b", 1s), {.name = "b"});
    ev("b done " + py(b.done()));
    loop.set_task_factory({});
    auto c = weft::create_task(quick("c"), {.name = "c"});
    ev("c done " + py(c.done()));
    std::vector<weft::task<std::string>> all{a, b, c};
    for (auto& t : all) {
      std::string r = co_await t;
      ev("main got " + r);
    }
  }
};

TEST(TaskTest, EagerTaskFactoryStartsEveryTaskEagerly) {
  weft_test::run_and_compare<eager_factory>("task_eager_factory");
}

struct create_eager_factory : eager_factory_program {

  weft::coro<void> main_coro() {
    weft::get_running_loop().set_task_factory(weft::create_eager_task_factory());
    auto a = weft::create_task(slow("a", 0s), {.name = "a"});
    auto b = weft::create_task(quick("b"), {.name = "b"});
    ev("a done " + py(a.done()) + " b done " + py(b.done()));
    std::string ra = co_await a;
    ev("main got " + ra);
    std::string rb = co_await b;
    ev("main got " + rb);
  }
};

TEST(TaskTest, CreateEagerTaskFactoryActsAsTheEagerFactory) {
  weft_test::run_and_compare<create_eager_factory>("task_create_eager_factory");
}

namespace factory_names {
weft::coro<std::string> own_name() { co_return weft::current_task().get_name(); }

weft::coro<void> main_coro() {
  weft::event_loop& loop = weft::get_running_loop();
  loop.set_task_factory(weft::eager_task_factory);
  // CPython 3.13.0 names this task "None" (create_task calls the factory
  // without the name, then set_name(None)), a bug fixed in later 3.13
  // releases; weft follows the fix: an unnamed task is Task-N. The twin
  // programs avoid the quirk by always naming tasks under a factory.
  auto unnamed = weft::create_task(own_name());
  EXPECT_TRUE(unnamed.done());
  EXPECT_EQ(unnamed.get_name(), "Task-2");
  EXPECT_EQ(unnamed.result(), "Task-2");  // named before its eager step
  auto named = weft::create_task(own_name(), {.name = "n"});
  EXPECT_EQ(named.result(), "n");

  // create_eager_task_factory(inner) applies inner, then starts eagerly.
  int inner_calls = 0;
  loop.set_task_factory(weft::create_eager_task_factory([&](weft::event_loop& l, weft::task_options& o) {
    EXPECT_EQ(&l, &loop);
    ++inner_calls;
    if (!o.name) o.name = "from-inner";
  }));
  auto t = weft::create_task(own_name());
  EXPECT_EQ(inner_calls, 1);
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.result(), "from-inner");
  EXPECT_TRUE(static_cast<bool>(loop.get_task_factory()));

  // An explicit eager_start bypasses the factory (constructing asyncio.Task).
  auto direct = weft::create_task(own_name(), {.name = "direct", .eager_start = true});
  EXPECT_EQ(inner_calls, 1);
  EXPECT_TRUE(direct.done());

  loop.set_task_factory({});
  EXPECT_FALSE(static_cast<bool>(loop.get_task_factory()));
  auto lazy = weft::create_task(own_name());
  EXPECT_FALSE(lazy.done());
  EXPECT_EQ(lazy.get_name(), "Task-3");
  std::string lazy_name = co_await lazy;
  EXPECT_EQ(lazy_name, "Task-3");
}
}  // namespace factory_names

TEST(TaskTest, TaskFactoryNamesUnnamedTasksTaskNAndComposesAnInnerFactory) {
  weft_test::run_virtual(factory_names::main_coro());
}

// ---- current_task and all_tasks ---------------------------------------------

struct current {
  weft_test::event_log ev;

  weft::coro<void> eager() {
    ev("eager step 1 current " + current_name());
    co_await weft::sleep(0s);
    ev("eager step 2 current " + current_name());
  }

  weft::coro<void> lazy() {
    ev("lazy current " + current_name());
    co_return;
  }

  weft::coro<void> main_coro() {
    weft::event_loop& loop = weft::get_running_loop();
    ev("main current " + current_name());
    loop.call_soon([this] { ev("callback current " + current_name()); });
    auto e = weft::create_task(eager(), {.name = "eager", .eager_start = true});
    ev("after eager create_task current " + current_name());
    auto l = weft::create_task(lazy(), {.name = "lazy"});
    l.add_done_callback([this](const weft::any_future&) { ev("done callback current " + current_name()); });
    co_await e;
    co_await l;
    co_await weft::sleep(0s);
    ev("main end current " + current_name());
  }
};

TEST(TaskTest, CurrentTaskFollowsStepsAndIsEmptyInCallbacks) {
  weft_test::run_and_compare<current>("task_current_task");
}

TEST(TaskTest, CurrentTaskAndAllTasksNeedARunningLoop) {
  try {
    (void)weft::current_task();
    ADD_FAILURE() << "current_task() outside a loop did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no running event loop");
  }
  EXPECT_THROW((void)weft::all_tasks(), std::runtime_error);
  // With an explicit loop that is not running: no current task.
  weft_test::virtual_loop v;
  EXPECT_FALSE(static_cast<bool>(weft::current_task(v.loop)));
  EXPECT_TRUE(weft::all_tasks(v.loop).empty());
}

struct all {
  weft_test::event_log ev;

  weft::coro<void> sleeper(weft::duration d) { co_await weft::sleep(d); }

  weft::coro<void> main_coro() {
    ev("alone: " + sorted_task_names());
    auto a = weft::create_task(sleeper(1s), {.name = "a"});
    auto b = weft::create_task(sleeper(2s), {.name = "b"});
    auto c = weft::create_task(sleeper(3s), {.name = "c"});
    ev("created: " + sorted_task_names());
    // weft's extra promise: creation order (asyncio gives a set).
    std::vector<std::string> order;
    for (const weft::any_task& t : weft::all_tasks()) order.push_back(t.get_name());
    EXPECT_EQ(order, (std::vector<std::string>{"Task-1", "a", "b", "c"}));
    EXPECT_TRUE(weft::all_tasks()[1] == a);
    weft::get_running_loop().call_soon([this] { ev("in callback: " + sorted_task_names()); });
    co_await a;
    ev("a done: " + sorted_task_names());
    co_await c;
    ev("all done: " + sorted_task_names());
  }
};

TEST(TaskTest, AllTasksListsPendingTasksInCreationOrder) {
  weft_test::run_and_compare<all>("task_all_tasks");
}

// ---- done callbacks --------------------------------------------------------

struct done_callbacks {
  weft_test::event_log ev;

  weft::coro<int> child() {
    co_await weft::sleep(0s);
    ev("child returns 3");
    co_return 3;
  }

  weft::coro<void> main_coro() {
    auto tk = weft::create_task(weft_test::ticker(ev, 5), {.name = "ticker"});
    auto t = weft::create_task(child(), {.name = "child"});
    t.add_done_callback(
        [this](weft::task<int> f) { ev("cb1 " + f.get_name() + " result " + std::to_string(f.result())); });
    std::uint64_t id3 = t.add_done_callback([this](weft::task<int>) { ev("cb3 must not run"); });
    t.add_done_callback([this](weft::task<int> f) { ev("cb2 " + f.get_name()); });
    ev("removed " + std::to_string(t.remove_done_callback(id3)));
    int r = co_await t;
    ev("main got " + std::to_string(r));
    t.add_done_callback([this](weft::task<int>) { ev("late callback"); });
    ev("main added late callback");
    co_await weft::sleep(0s);
    ev("main after sleep(0)");
    co_await tk;
    EXPECT_EQ(t.remove_done_callback(id3), 0u);  // already removed
  }
};

TEST(TaskTest, DoneCallbacksRunInRegistrationOrderOneIterationAfterCompletion) {
  weft_test::run_and_compare<done_callbacks>("task_done_callbacks");
}

// ---- results and exceptions ------------------------------------------------

struct results {
  weft_test::event_log ev;

  weft::coro<int> int_task() {
    co_await weft::sleep(0s);
    co_return 41 + 1;
  }

  weft::coro<void> void_task() {
    co_await weft::sleep(0s);
    ev("void_task ends");
  }

  weft::coro<std::unique_ptr<int>> box_task() {
    co_await weft::sleep(0s);
    co_return std::make_unique<int>(9);
  }

  weft::coro<void> main_coro() {
    auto i = weft::create_task(int_task(), {.name = "int"});
    auto v = weft::create_task(void_task(), {.name = "void"});
    auto b = weft::create_task(box_task(), {.name = "box"});
    static_assert(std::is_same_v<decltype(i), weft::task<int>>);
    static_assert(std::is_same_v<decltype(v), weft::task<void>>);
    ev("int " + std::to_string(co_await i));
    co_await v;
    ev("void awaited");
    static_assert(std::is_same_v<decltype(b.result()), std::unique_ptr<int>&>);
    std::unique_ptr<int> box = co_await std::move(b);  // moves the result out
    EXPECT_TRUE(box != nullptr);
    EXPECT_TRUE(b.result() == nullptr);  // the task's slot was moved from
    ev("box holds " + std::to_string(*box));
    ev("int result() " + std::to_string(i.result()));
    static_assert(std::is_same_v<decltype(i.result()), int&>);
    static_assert(std::is_void_v<decltype(v.result())>);
  }
};

TEST(TaskTest, ResultsOfIntVoidAndMoveOnlyTasks) {
  weft_test::run_and_compare<results>("task_results");
}

struct exception {
  weft_test::event_log ev;

  weft::coro<void> boom() {
    co_await weft::sleep(0s);
    ev("boom raises");
    throw std::runtime_error("boom");
  }

  weft::coro<void> waiter(weft::task<void> t) {
    try {
      co_await t;
    } catch (const std::runtime_error& e) {
      ev(std::string("waiter caught ") + e.what());
    }
  }

  weft::coro<void> main_coro() {
    auto t = weft::create_task(boom(), {.name = "boom"});
    auto w = weft::create_task(waiter(t), {.name = "waiter"});
    try {
      co_await t;
    } catch (const std::runtime_error& e) {
      ev(std::string("main caught ") + e.what());
    }
    ev("done " + py(t.done()) + " cancelled " + py(t.cancelled()) + " exception " +
       weft_test::exception_text(t.exception()));
    try {
      t.result();
    } catch (const std::runtime_error& e) {
      ev(std::string("result() raised ") + e.what());
    }
    co_await w;
  }
};

TEST(TaskTest, ExceptionReachesEveryAwaiterAndExceptionReturnsIt) {
  weft_test::run_and_compare<exception>("task_exception");
}

struct unretrieved {
  weft_test::event_log ev;

  weft::coro<void> boom() {
    co_await weft::sleep(0s);
    ev("boom raises");
    throw std::runtime_error("boom");
  }

  weft::coro<void> main_coro() {
    weft::get_running_loop().set_exception_handler([this](weft::event_loop&, const weft::exception_context& ctx) {
      ev("handler: " + ctx.message + " task " + ctx.task_name + " exception " +
         weft_test::exception_text(ctx.exception));
    });
    auto t = weft::create_task(boom(), {.name = "lost"});
    co_await weft::sleep(0s);
    co_await weft::sleep(0s);
    ev("dropping the task, done " + py(t.done()));
    t = {};  // `del t`: the last handle goes
    ev("dropped");
  }
};

TEST(TaskTest, UnretrievedExceptionIsReportedWhenTheTaskIsDestroyed) {
  weft_test::run_and_compare<unretrieved>("task_unretrieved");
}

namespace pending_result {
weft::coro<void> forever() { co_await weft::sleep(1s); }

weft::coro<void> main_coro() {
  auto t = weft::create_task(forever(), {.name = "p"});
  try {
    t.result();
    ADD_FAILURE() << "result() of a pending task did not throw";
  } catch (const weft::invalid_state_error& e) {
    EXPECT_STREQ(e.what(), "Result is not ready.");
  }
  try {
    (void)t.exception();
    ADD_FAILURE() << "exception() of a pending task did not throw";
  } catch (const weft::invalid_state_error& e) {
    EXPECT_STREQ(e.what(), "Exception is not set.");
  }
  t.cancel("stop");
  co_await weft::sleep(0s);
  EXPECT_TRUE(t.cancelled());
  // Future.result() and exception() of a cancelled task raise CancelledError.
  EXPECT_THROW(t.result(), weft::cancelled_error);
  EXPECT_THROW((void)t.exception(), weft::cancelled_error);
}
}  // namespace pending_result

TEST(TaskTest, ResultAndExceptionOfPendingAndCancelledTasksThrow) {
  weft_test::run_virtual(pending_result::main_coro());
}

// ---- lifetime ---------------------------------------------------------------

/// Counts its destructions: a coroutine parameter, destroyed with the frame.
struct frame_witness {
  int* destroyed;
  explicit frame_witness(int* d) : destroyed(d) {}
  frame_witness(frame_witness&& o) noexcept : destroyed(std::exchange(o.destroyed, nullptr)) {}
  ~frame_witness() {
    if (destroyed) ++*destroyed;
  }
};

weft::coro<void> yield_then_finish(frame_witness, int yields, bool* finished) {
  for (int i = 0; i < yields; ++i) co_await weft::sleep(0s);
  *finished = true;
}

weft::coro<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await weft::sleep(0s);
}

// A queued step holds its task (asyncio's ready queue holds the Handle that
// holds the task): with every handle dropped, the task still runs its steps,
// and is freed when it ends.
TEST(TaskTest, AQueuedStepKeepsAnUnreferencedTaskAliveUntilItEnds) {
  weft::event_loop loop;
  int destroyed = 0;
  bool finished = false;
  (void)loop.create_task(yield_then_finish(frame_witness(&destroyed), 3, &finished));
  EXPECT_EQ(destroyed, 0);
  loop.run_until_complete(yield_times(5));
  EXPECT_TRUE(finished);
  EXPECT_EQ(destroyed, 1);
  loop.close();
}

// Closing the loop drops the queued step, which held the task's last
// reference: as in CPython (Task.__del__ as close clears the ready queue), the
// task is reported as pending, its coroutine as never awaited, and it is
// freed with its frame.
TEST(TaskTest, CloseReleasesATaskWhoseStepIsQueued) {
  weft_test::captured_warnings warnings;
  weft::event_loop loop;
  std::vector<std::string> reported;
  loop.set_exception_handler(
      [&](weft::event_loop&, const weft::exception_context& ctx) { reported.push_back(ctx.message + " " + ctx.task_name); });
  int destroyed = 0;
  bool finished = false;
  (void)loop.create_task(yield_then_finish(frame_witness(&destroyed), 1, &finished), {.name = "queued"});
  EXPECT_EQ(loop.ready_count(), 1u);
  loop.close();
  EXPECT_FALSE(finished);
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(reported, std::vector<std::string>{"Task was destroyed but it is pending! queued"});
  ASSERT_EQ(warnings.messages().size(), 1u);
  EXPECT_NE(warnings.messages()[0].find("coroutine 'yield_then_finish' was never awaited"), std::string::npos)
      << warnings.messages()[0];
}

// ---- misuse ----------------------------------------------------------------

weft::coro<int> orphan() { co_return 1; }

TEST(TaskTest, CreateTaskWithoutARunningLoopThrows) {
  weft_test::captured_warnings warnings;
  try {
    (void)weft::create_task(orphan());
    ADD_FAILURE() << "create_task without a running loop did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no running event loop");
  }
  // As in CPython, the coroutine object that never ran is reported.
  ASSERT_EQ(warnings.messages().size(), 1u);
  EXPECT_NE(warnings.messages()[0].find("coroutine 'orphan' was never awaited"), std::string::npos)
      << warnings.messages()[0];
}

namespace other_loop {
weft::coro<int> seven() { co_return 7; }

weft::coro<void> main_coro(weft::event_loop* other, weft::task<int>* foreign, std::string* error) {
  *foreign = other->create_task(seven(), {.name = "foreign"});
  try {
    co_await *foreign;
    ADD_FAILURE() << "awaiting a task of another loop did not raise";
  } catch (const std::runtime_error& e) {
    *error = e.what();
  }
}
}  // namespace other_loop

TEST(TaskTest, AwaitingATaskOfAnotherLoopRaisesInTheAwaiter) {
  weft_test::virtual_loop other;
  weft::task<int> foreign;
  std::string error;
  weft_test::run_virtual(other_loop::main_coro(&other.loop, &foreign, &error));
  EXPECT_NE(error.find("attached to a different loop"), std::string::npos) << error;
  // The foreign task is untouched and still runs on its own loop.
  EXPECT_FALSE(foreign.done());
  EXPECT_EQ(other.loop.run_until_complete(foreign), 7);
}

struct await_self {
  weft_test::event_log ev;
  std::string error;

  weft::coro<std::string> selfish(weft::task<std::string>* me) {
    ev("selfish awaits itself");
    try {
      co_await *me;
    } catch (const std::runtime_error& e) {
      error = e.what();
      ev("selfish caught " + error.substr(0, error.find(':')));
    }
    co_return "survived";
  }

  weft::coro<void> main_coro() {
    weft::task<std::string> me;
    auto tk = weft::create_task(weft_test::ticker(ev, 3), {.name = "ticker"});
    me = weft::create_task(selfish(&me), {.name = "selfish"});
    std::string r = co_await me;
    ev("main got " + r);
    co_await tk;
  }
};

TEST(TaskTest, TaskAwaitingItselfGetsRuntimeError) {
  await_self program;
  weft_test::run_virtual(program.main_coro());
  weft_test::expect_reference("task_await_self", program.ev);
  EXPECT_EQ(program.error.rfind("Task cannot await on itself", 0), 0u) << program.error;
}

struct reuse {
  weft_test::event_log ev;

  weft::coro<int> once() { co_return 1; }

  weft::coro<void> main_coro() {
    auto c = once();
    int first = co_await c;  // runs it; `c` still holds the finished coroutine
    ev("first await gives " + std::to_string(first));
    weft::task<int> t;
    try {
      t = weft::create_task(std::move(c), {.name = "again"});
    } catch (const std::exception& e) {
      ev(std::string("create_task threw ") + e.what());
      co_return;
    }
    ev("created, done " + py(t.done()));
    try {
      co_await t;
    } catch (const std::runtime_error& e) {
      ev(std::string("await raised ") + e.what());
    }
    ev("done " + py(t.done()) + " cancelled " + py(t.cancelled()));
  }
};

TEST(TaskTest, CreateTaskWithAnAlreadyAwaitedCoroutineFailsInTheTask) {
  weft_test::run_and_compare<reuse>("task_reuse_coro");
}

// ---- options in a co_await operand (g++ 12) ---------------------------------

// g++ 12 destroys twice a temporary with a destructor in a co_await operand;
// weft's option structs have none, so the natural spelling is safe (under
// g++ -O0 with AddressSanitizer this test failed while task_options held a
// std::string).
static_assert(std::is_trivially_destructible_v<weft::task_options>);
static_assert(std::is_trivially_destructible_v<weft::wait_options>);
static_assert(std::is_trivially_destructible_v<weft::run_options>);
static_assert(std::is_trivially_destructible_v<weft::loop_options>);

struct named_in_the_await {
  std::vector<std::string> names;

  weft::coro<int> one() {
    names.push_back(current_name());
    co_return 1;
  }

  weft::coro<int> main_coro() {
    const std::string base = "worker";
    int v = co_await weft::create_task(one(), {.name = base + "-1"});
    v += co_await weft::create_task(one(), {.name = std::string("worker-2")});
    weft::task_group tg;
    v += co_await tg.run([&](weft::task_group& g) -> weft::coro<int> {
      co_return co_await g.create_task(one(), base + "-3");
    });
    co_return v;
  }
};

// ---- caught(): a task's or future's outcome, without a throw ----

namespace caught_await {
weft::coro<int> value_after_yield(int v) {
  co_await weft::sleep(weft::duration::zero());
  co_return v;
}
weft::coro<int> raising_after_yield(std::string msg) {
  co_await weft::sleep(weft::duration::zero());
  throw std::invalid_argument(msg);
}

/// "value V" or "raised WHAT" (cancelled_error and invalid_argument named).
std::string shown(weft::outcome<int>& o) {
  if (o.has_value()) return "value " + std::to_string(o.value());
  try {
    std::rethrow_exception(o.exception());
  } catch (const weft::cancelled_error&) {
    return "cancelled";
  } catch (const std::invalid_argument& e) {
    return std::string("raised ") + e.what();
  }
}

weft::coro<std::string> main_coro() {
  std::string seen;
  auto ok = weft::create_task(value_after_yield(7));
  auto got = co_await ok.caught();
  seen += shown(got);
  auto bad = weft::create_task(raising_after_yield("boom"));
  got = co_await bad.caught();
  seen += ", " + shown(got);
  auto cancelled = weft::create_task(value_after_yield(1));
  cancelled.cancel();
  got = co_await cancelled.caught();
  seen += ", " + shown(got);
  // Awaited again, a done task gives the same outcome (a copy of its value).
  got = co_await ok.caught();
  seen += ", again " + shown(got);
  // A cancellation of the awaiting task comes back as its outcome too.
  auto self = weft::current_task();
  weft::future<void> never(weft::get_running_loop());
  weft::get_running_loop().call_soon([self]() mutable { self.cancel(); });
  weft::outcome<std::monostate> waited = co_await never.caught();
  seen += waited.has_value() ? ", void" : ", awaiter cancelled";
  weft::current_task().uncancel();
  weft::future<void> done(weft::get_running_loop());
  done.set_result();
  waited = co_await done.caught();
  seen += waited.has_value() ? ", void" : ", void raised";
  co_return seen;
}
}  // namespace caught_await

TEST(TaskTest, CaughtReturnsTheOutcomeOfATaskOrFutureWithoutThrowing) {
  EXPECT_EQ(weft_test::run_virtual(caught_await::main_coro()),
            "value 7, raised boom, cancelled, again value 7, awaiter cancelled, void");
}

TEST(TaskTest, OptionsBuiltInsideACoAwaitNameTheTask) {
  named_in_the_await p;
  weft::virtual_clock clock;
  EXPECT_EQ(weft::run(p.main_coro(), {.clock = &clock}), 3);
  EXPECT_EQ(p.names, (std::vector<std::string>{"worker-1", "worker-2", "worker-3"}));
}

}  // namespace
