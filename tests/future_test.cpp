// Tests of future.hpp: states and their errors, done callbacks (scheduled with
// call_soon, in registration order), awaiting from a task, move-only and void
// results, and the "never retrieved" report. Ordering tests compare with
// tests/reference/future_*.py (CPython 3.13).

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
using weft_test::virtual_loop;

template <class F>
std::string what_of(F&& f) {
  try {
    f();
  } catch (...) {
    return weft_test::exception_text(std::current_exception());
  }
  return "no error";
}

// ---- states ----

TEST(FutureTest, PendingFutureResultAndExceptionThrowInvalidState) {
  virtual_loop v;
  weft::future<int> f(v.loop);
  EXPECT_FALSE(f.done());
  EXPECT_FALSE(f.cancelled());
  EXPECT_EQ(&f.get_loop(), &v.loop);
  EXPECT_THROW((void)f.result(), weft::invalid_state_error);
  EXPECT_THROW((void)f.exception(), weft::invalid_state_error);
  EXPECT_EQ(what_of([&] { (void)f.result(); }), "Result is not ready.");
  EXPECT_EQ(what_of([&] { (void)f.exception(); }), "Exception is not set.");
}

TEST(FutureTest, SetResultTwiceThrowsInvalidState) {
  virtual_loop v;
  auto f = v.loop.create_future<int>();
  f.set_result(1);
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.set_result(2), weft::invalid_state_error);
  EXPECT_THROW(f.set_exception(std::make_exception_ptr(std::runtime_error("late"))), weft::invalid_state_error);
  EXPECT_EQ(f.result(), 1);
  EXPECT_EQ(f.exception(), nullptr);
  EXPECT_FALSE(f.cancel());
  EXPECT_FALSE(f.cancelled());
  EXPECT_EQ(f.result(), 1);
}

TEST(FutureTest, SetAfterCancelThrowsInvalidState) {
  virtual_loop v;
  auto f = v.loop.create_future<int>();
  EXPECT_TRUE(f.cancel());
  EXPECT_THROW(f.set_exception(std::make_exception_ptr(std::runtime_error("x"))), weft::invalid_state_error);
  EXPECT_THROW(f.set_result(3), weft::invalid_state_error);
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(f.done());
}

TEST(FutureTest, CancelReturnsTrueOnceThenFalse) {
  virtual_loop v;
  auto f = v.loop.create_future<int>();
  EXPECT_TRUE(f.cancel());
  EXPECT_FALSE(f.cancel());
  EXPECT_FALSE(f.cancel("again"));
  EXPECT_TRUE(f.cancelled());
  // No message: the cancelled_error carries none.
  try {
    (void)f.result();
    ADD_FAILURE() << "result() of a cancelled future returned";
  } catch (const weft::cancelled_error& e) {
    EXPECT_EQ(e.message(), std::nullopt);
  }
}

TEST(FutureTest, CancelMessageReachesCancelledError) {
  virtual_loop v;
  auto f = v.loop.create_future<int>();
  EXPECT_TRUE(f.cancel("msg"));
  EXPECT_FALSE(f.cancel("other"));  // the first message stays
  for (int i = 0; i < 2; ++i) {
    try {
      (void)f.result();
      ADD_FAILURE() << "result() of a cancelled future returned";
    } catch (const weft::cancelled_error& e) {
      EXPECT_EQ(e.message(), std::optional<std::string>("msg"));
    }
  }
  try {
    (void)f.exception();
    ADD_FAILURE() << "exception() of a cancelled future returned";
  } catch (const weft::cancelled_error& e) {
    EXPECT_EQ(e.message(), std::optional<std::string>("msg"));
  }
}

// ---- done callbacks ----

TEST(FutureTest, DoneCallbacksRunInRegistrationOrderOneHopLater) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  auto fut = loop.create_future<int>();
  loop.call_soon([&] {
    for (const char* name : {"first", "second", "third"})
      fut.add_done_callback(
          [&ev, name](weft::future<int> f) { ev(std::string("cb ") + name + " " + std::to_string(f.result())); });
    loop.call_soon([&] {
      ev("set");
      fut.set_result(5);
      loop.call_soon([&] {
        ev("after");
        loop.stop();
      });
    });
    loop.call_soon([&] { ev("other"); });
  });
  loop.run_forever();
  weft_test::expect_reference("future_done_callbacks", ev);
}

TEST(FutureTest, AddDoneCallbackOnDoneFutureSchedulesAtOnce) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  auto fut = loop.create_future<std::string>();
  fut.set_result("v");
  loop.call_soon([&] {
    ev("start adds");
    fut.add_done_callback([&](weft::future<std::string> f) { ev("cb " + f.result()); });
    loop.call_soon([&] {
      ev("x");
      loop.stop();
    });
  });
  loop.call_soon([&] { ev("b"); });
  loop.run_forever();
  weft_test::expect_reference("future_add_done_callback_done", ev);
}

TEST(FutureTest, RemoveDoneCallbackByIdReturnsOneThenZero) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  auto fut = loop.create_future<void>();
  std::uint64_t cb1 = 0;
  std::vector<std::size_t> removed;
  loop.call_soon([&] {
    cb1 = fut.add_done_callback([&](weft::future<void>) { ev("cb1"); });
    std::uint64_t cb2 = fut.add_done_callback([&](weft::future<void>) { ev("cb2"); });
    std::uint64_t cb3 = fut.add_done_callback([&](weft::future<void>) {
      ev("cb3");
      removed.push_back(fut.remove_done_callback(cb1));
      ev("remove cb1 after done " + std::to_string(removed.back()));
    });
    removed.push_back(fut.remove_done_callback(cb2));
    ev("remove cb2 " + std::to_string(removed.back()));
    removed.push_back(fut.remove_done_callback(cb2));
    ev("remove cb2 again " + std::to_string(removed.back()));
    fut.set_result();
    removed.push_back(fut.remove_done_callback(cb3));
    ev("remove cb3 after set_result " + std::to_string(removed.back()));
    loop.call_later(1s, [&] { loop.stop(); });
  });
  loop.run_forever();
  weft_test::expect_reference("future_remove_done_callback", ev);
  EXPECT_EQ(removed, (std::vector<std::size_t>{1, 0, 0, 0}));
}

// ---- awaiting from a task ----

/// Logs "tick i" and schedules tick i+1 up to `last`; at tick `act` runs the action.
template <class Action>
struct ticker {
  weft_test::event_log* ev;
  weft::event_loop* loop;
  int i;
  int last;
  int act;
  Action action;
  void operator()() const {
    (*ev)("tick " + std::to_string(i));
    if (i < last) loop->call_soon(ticker{ev, loop, i + 1, last, act, action});
    if (i == act) action();
  }
};
template <class Action>
ticker(weft_test::event_log*, weft::event_loop*, int, int, int, Action) -> ticker<Action>;

weft::coro<std::string> waiter(weft_test::event_log& ev, weft::future<std::string> fut) {
  ev("waiter awaits");
  std::string v = co_await fut;
  ev("waiter got " + v);
  co_return v + "!";
}

weft::coro<void> await_main(weft_test::event_log& ev) {
  weft::event_loop& loop = weft::get_running_loop();
  auto fut = loop.create_future<std::string>();
  auto t = weft::create_task(waiter(ev, fut));
  loop.call_soon(ticker{&ev, &loop, 0, 5, 1, [fut, &ev] {
                          fut.set_result("v");
                          ev("set");
                        }});
  std::string r = co_await t;
  ev("main got " + r);
}

TEST(FutureTest, AwaitingTaskResumesOneIterationAfterSetResult) {
  weft_test::event_log ev;
  weft_test::run_virtual(await_main(ev));
  weft_test::expect_reference("future_await", ev);
}

weft::coro<void> await_done_main(weft_test::event_log& ev) {
  weft::event_loop& loop = weft::get_running_loop();
  auto done = loop.create_future<int>();
  done.set_result(3);
  auto failed = loop.create_future<int>();
  failed.set_exception(std::make_exception_ptr(std::invalid_argument("bad")));
  loop.call_soon(ticker{&ev, &loop, 0, 3, -1, [] {}});
  ev("before");
  int v = co_await done;
  ev("after await " + std::to_string(v));
  try {
    co_await failed;
    ADD_FAILURE() << "awaiting a failed future did not throw";
  } catch (const std::invalid_argument& e) {
    ev(std::string("caught ") + e.what());
  }
  v = co_await done;
  ev("again " + std::to_string(v));
  co_await weft::sleep(0s);
  ev("after sleep(0)");
}

TEST(FutureTest, AwaitingDoneFutureDoesNotSuspend) {
  weft_test::event_log ev;
  weft_test::run_virtual(await_done_main(ev));
  weft_test::expect_reference("future_await_done", ev);
}

weft::coro<std::string> cancel_waiter(weft_test::event_log& ev, weft::future<int> fut) {
  try {
    co_await fut;
  } catch (const weft::cancelled_error& e) {
    ev("waiter caught " + e.message().value_or(""));
    co_return "recovered";
  }
  co_return "unreachable";
}

weft::coro<void> cancel_awaited_main(weft_test::event_log& ev) {
  weft::event_loop& loop = weft::get_running_loop();
  auto fut = loop.create_future<int>();
  auto t = weft::create_task(cancel_waiter(ev, fut));
  loop.call_soon(ticker{&ev, &loop, 0, 4, 1, [fut, &ev] {
                          bool first = fut.cancel("stop it");
                          bool second = fut.cancel("again");
                          ev("cancel returns " + py(first) + " " + py(second));
                        }});
  std::string r = co_await t;
  ev("main got " + r + " task cancelled " + py(t.cancelled()) + " future cancelled " + py(fut.cancelled()));
}

TEST(FutureTest, CancellingAwaitedFutureRaisesInTaskWithMessage) {
  weft_test::event_log ev;
  weft_test::run_virtual(cancel_awaited_main(ev));
  weft_test::expect_reference("future_cancel_awaited", ev);
}

// ---- result types ----

weft::coro<int> take_moved(weft::future<std::unique_ptr<int>> f) {
  std::unique_ptr<int> p = co_await std::move(f);
  co_return p ? *p : -1;
}

weft::coro<int> peek(weft::future<std::unique_ptr<int>> f) {
  std::unique_ptr<int>& p = co_await f;  // an lvalue await gives a reference
  co_return p ? *p : -1;
}

TEST(FutureTest, MoveOnlyResultMovesOutOfRvalues) {
  virtual_loop v;
  auto& loop = v.loop;
  auto f = loop.create_future<std::unique_ptr<int>>();
  f.set_result(std::make_unique<int>(7));
  EXPECT_EQ(*f.result(), 7);  // lvalue result(): a reference, the value stays
  EXPECT_EQ(*f.result(), 7);
  std::unique_ptr<int> p = std::move(f).result();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
  EXPECT_EQ(f.result(), nullptr);  // NOLINT(bugprone-use-after-move): the handle survives, the value moved

  // Awaited while pending, then moved out by co_await std::move(f).
  auto g = loop.create_future<std::unique_ptr<int>>();
  loop.call_later(2s, [g] { g.set_result(std::make_unique<int>(11)); });
  EXPECT_EQ(loop.run_until_complete(peek(g)), 11);
  EXPECT_EQ(loop.time(), weft::time_point(2s));
  EXPECT_NE(g.result(), nullptr);
  EXPECT_EQ(loop.run_until_complete(take_moved(g)), 11);
  EXPECT_EQ(g.result(), nullptr);
}

weft::coro<int> await_void(weft::future<void> f) {
  co_await f;
  co_return 1;
}

TEST(FutureTest, VoidFuture) {
  virtual_loop v;
  auto& loop = v.loop;
  weft::future<void> f = loop.create_future();
  EXPECT_THROW(f.result(), weft::invalid_state_error);
  loop.call_later(1s, [f] { f.set_result(); });
  EXPECT_EQ(loop.run_until_complete(await_void(f)), 1);
  EXPECT_EQ(loop.time(), weft::time_point(1s));
  EXPECT_TRUE(f.done());
  EXPECT_NO_THROW(f.result());
  EXPECT_EQ(f.exception(), nullptr);
  EXPECT_THROW(f.set_result(), weft::invalid_state_error);

  weft::future<void> bad(loop);
  bad.set_exception(std::make_exception_ptr(std::runtime_error("void failed")));
  EXPECT_EQ(what_of([&] { bad.result(); }), "void failed");
}

// ---- the never-retrieved report ----

TEST(FutureTest, UnretrievedExceptionIsReportedWhenDestroyed) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  std::vector<std::string> messages;
  loop.set_exception_handler([&](weft::event_loop& l, const weft::exception_context& ctx) {
    messages.push_back(ctx.message);
    ev.at(l, "handler " + ctx.message + " | " + weft_test::exception_text(ctx.exception));
  });
  auto failed = [&](const char* text) {
    auto f = loop.create_future<int>();
    f.set_exception(std::make_exception_ptr(std::invalid_argument(text)));
    return f;
  };
  {
    auto f = failed("nobody looked");
    ev.at(loop, "drop unretrieved");
  }
  {
    auto f = failed("looked with exception()");
    ev.at(loop, "exception() gives " + weft_test::exception_text(f.exception()));
    ev.at(loop, "drop after exception()");
  }
  {
    auto f = failed("looked with result()");
    try {
      (void)f.result();
    } catch (const std::invalid_argument& e) {
      ev.at(loop, std::string("result() raised ") + e.what());
    }
    ev.at(loop, "drop after result()");
  }
  {
    auto f = failed("cancelled after");
    ev.at(loop, "cancel() returns " + py(f.cancel()));
    ev.at(loop, "drop after cancel()");
  }
  {
    auto f = loop.create_future<int>();
    f.set_result(1);
    ev.at(loop, "drop with a result");
  }
  ev.at(loop, "end");
  weft_test::expect_reference("future_never_retrieved", ev);
  EXPECT_EQ(messages, (std::vector<std::string>{"Future exception was never retrieved"}));
}

TEST(FutureTest, CopiesShareOneStateAndReportOnce) {
  virtual_loop v;
  auto& loop = v.loop;
  int reports = 0;
  loop.set_exception_handler([&](weft::event_loop&, const weft::exception_context&) { ++reports; });
  {
    auto f = loop.create_future<int>();
    weft::future<int> copy = f;
    f.set_exception(std::make_exception_ptr(std::runtime_error("shared")));
    EXPECT_TRUE(copy.done());
    EXPECT_TRUE(copy == f);
    { weft::future<int> drop = std::move(copy); }
    EXPECT_EQ(reports, 0);  // f still refers to the state
  }
  EXPECT_EQ(reports, 1);
}

}  // namespace
