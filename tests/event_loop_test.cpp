// Tests of event_loop.hpp and scheduler.hpp: one iteration as
// BaseEventLoop._run_once, timers, handles, stop/run_forever/run_until_complete,
// misuse errors, the exception handler, cancelled-timer cleanup, and custom
// schedulers. Ordering tests compare with tests/reference/loop_*.py (CPython 3.13).

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"
#include "weft/sim/sim.hpp"

using namespace std::chrono_literals;

namespace {

using weft_test::py;
using weft_test::virtual_loop;

std::string ms(weft::time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

weft::time_point at(weft::duration d) { return weft::time_point(d); }

// ---- one iteration ----

/// The C++ twin of loop_call_soon_order.py.
void call_soon_order_program(weft::event_loop& loop, weft_test::event_log& ev) {
  auto ready = [&](const std::string& name) { ev(name + " ready " + std::to_string(loop.ready_count())); };
  loop.call_soon([&] {
    ready("a");
    loop.call_soon([&] {
      ready("a2");
      loop.call_soon([&] {
        ready("a3");
        loop.stop();
      });
    });
  });
  loop.call_soon([&] {
    ready("b");
    loop.call_later(0ns, [&] { ready("t"); });
  });
  loop.call_soon([&] { ready("c"); });
  loop.run_forever();
}

TEST(EventLoopTest, CallSoonIsFifoAndNestedCallbacksWaitForNextIteration) {
  virtual_loop v;
  weft_test::event_log ev;
  call_soon_order_program(v.loop, ev);
  weft_test::expect_reference("loop_call_soon_order", ev);
}

TEST(EventLoopTest, ExplicitFifoSchedulerKeepsAsyncioOrder) {
  weft::fifo_scheduler fifo;
  virtual_loop v(&fifo);
  weft_test::event_log ev;
  call_soon_order_program(v.loop, ev);
  weft_test::expect_reference("loop_call_soon_order", ev);
}

TEST(EventLoopTest, DueTimersJoinBackOfReadyQueue) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  loop.call_later(0ns, [&] { ev("t0"); });
  loop.call_soon([&] {
    ev("a");
    loop.call_soon([&] {
      ev("b");
      loop.call_soon([&] { ev("c"); });
    });
    loop.call_later(0ns, [&] {
      ev("t1");
      loop.call_soon([&] { ev("d"); });
    });
    loop.call_later(1s, [&] {
      ev("late");
      loop.call_later(0ns, [&] { ev("z"); });
      loop.call_soon([&] { ev("y"); });
      loop.call_at(loop.time(), [&] {
        ev("z2");
        loop.stop();
      });
    });
  });
  loop.run_forever();
  weft_test::expect_reference("loop_timers_and_soon", ev);
}

// ---- timers ----

TEST(EventLoopTest, CallLaterAndCallAtRunInDeadlineOrder) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  std::function<void(const std::string&)> fire = [&](const std::string& name) {
    ev("fire " + name);
    if (name == "a1") {
      weft::timer_handle h = loop.call_later(1s, [&] { fire("b2-from-a1"); });
      ev("when b2-from-a1 " + ms(h.when()));
      loop.call_at(loop.time(), [&] { fire("now-from-a1"); });
    }
    if (name == "c3") loop.stop();
  };
  loop.call_soon([&] {
    std::vector<std::pair<std::string, weft::timer_handle>> handles;
    handles.emplace_back("c3", loop.call_later(3s, [&] { fire("c3"); }));
    handles.emplace_back("a1", loop.call_later(1s, [&] { fire("a1"); }));
    handles.emplace_back("b2", loop.call_at(at(2s), [&] { fire("b2"); }));
    handles.emplace_back("a1-second", loop.call_at(at(1s), [&] { fire("a1-second"); }));
    handles.emplace_back("half", loop.call_later(500ms, [&] { fire("half"); }));
    handles.emplace_back("zero", loop.call_later(0ns, [&] { fire("zero"); }));
    for (auto& [name, h] : handles) ev("when " + name + " " + ms(h.when()));
    loop.call_soon([&] { fire("soon"); });
  });
  loop.run_forever();
  ev.at(loop, "stopped");
  weft_test::expect_reference("loop_timers", ev);
}

TEST(EventLoopTest, EqualDeadlinesFireInSchedulingOrder) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  auto fire = [&](const char* name) { return [&ev, name] { ev(std::string("fire ") + name); }; };
  loop.call_soon([&] {
    loop.call_later(2s, fire("x1"));
    loop.call_at(at(1s), fire("y1"));
    loop.call_at(at(2s), fire("x2"));
    loop.call_later(1s, fire("y2"));
    loop.call_later(2s, fire("x3"));
    loop.call_at(at(1s), fire("y3"));
    loop.call_later(2s, fire("x4"));
    loop.call_at(at(3s), [&] { loop.stop(); });
  });
  loop.run_forever();
  weft_test::expect_reference("loop_equal_deadlines", ev);
}

TEST(EventLoopTest, VirtualClockJumpsToNextTimerOnlyWhenNothingIsReady) {
  virtual_loop v;
  auto& loop = v.loop;
  std::vector<weft::time_point> seen;
  loop.call_later(5s, [&] { seen.push_back(loop.time()); });
  loop.call_soon([&] {
    seen.push_back(loop.time());
    loop.call_soon([&] { seen.push_back(loop.time()); });  // ready: no jump yet
  });
  loop.call_later(1h, [&] {
    seen.push_back(loop.time());
    loop.call_later(1ns, [&] {
      seen.push_back(loop.time());
      loop.stop();
    });
  });
  EXPECT_EQ(loop.time(), at(0s));
  loop.run_forever();
  EXPECT_EQ(seen, (std::vector<weft::time_point>{at(0s), at(0s), at(5s), at(1h), at(1h + 1ns)}));
  EXPECT_EQ(loop.time(), at(1h + 1ns));
}

TEST(EventLoopTest, ManyTimersFireInDeadlineThenSchedulingOrder) {
  // Thousands of timers, scheduled out of order with many equal deadlines and
  // a third cancelled (which also triggers the rebuild of the timer queue):
  // they fire sorted by (deadline, scheduling order), as a sort says.
  virtual_loop v;
  auto& loop = v.loop;
  constexpr int n = 5000;
  std::vector<std::pair<weft::time_point, int>> expected;
  std::vector<int> fired;
  std::vector<weft::timer_handle> handles;
  std::uint32_t x = 12345;  // a fixed LCG: the same deadlines every run
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const weft::time_point when = at(std::chrono::milliseconds(x >> 22));  // 1024 distinct deadlines
    handles.push_back(loop.call_at(when, [&fired, i] { fired.push_back(i); }));
    if (i % 3 != 0) expected.emplace_back(when, i);
  }
  for (int i = 0; i < n; i += 3) handles[static_cast<std::size_t>(i)].cancel();
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  loop.call_at(at(1h), [&] { loop.stop(); });
  loop.run_forever();
  std::vector<int> order;
  for (const auto& e : expected) order.push_back(e.second);
  EXPECT_EQ(fired, order);
}

TEST(EventLoopTest, CancelledTimersAreRemovedAsRunOnceSays) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  std::vector<weft::timer_handle> timers;
  std::vector<int> fired;
  auto count = [&](const char* phase) { ev(std::string(phase) + " scheduled " + std::to_string(loop.timer_count())); };
  loop.call_soon([&] {
    for (int i = 0; i < 101; ++i) timers.push_back(loop.call_at(at(100s + i * 1s), [&fired, i] { fired.push_back(i); }));
    for (int i = 51; i < 101; ++i) {  // 50 of 101: not more than half
      timers[i].cancel();
      timers[i].cancel();  // a second cancel counts once
    }
    count("phase1");
    loop.call_soon([&] {
      count("phase2");
      timers[50].cancel();  // 51 of 101: more than half
      loop.call_soon([&] {
        count("phase3");
        for (int i = 0; i < 10; ++i) timers[i].cancel();  // the head of the heap
        loop.call_soon([&] {
          count("phase4");
          for (int i = 20; i < 30; ++i) timers[i].cancel();  // not at the head
          loop.call_soon([&] {
            count("phase5");
            loop.call_at(at(1000s), [&] {
              ev("fired " + std::to_string(fired.size()) + " first " + std::to_string(fired.front()) + " last " +
                 std::to_string(fired.back()) + " scheduled " + std::to_string(loop.timer_count()));
              loop.stop();
            });
          });
        });
      });
    });
  });
  loop.run_forever();
  weft_test::expect_reference("loop_timer_cleanup", ev);
}

// ---- handles ----

TEST(EventLoopTest, CancelledHandlesDoNotRun) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  std::map<std::string, weft::handle> handles;
  weft::timer_handle timer;
  weft::timer_handle second_due;
  auto cb = [&](const char* name) { return [&ev, name] { ev(std::string("run ") + name); }; };
  loop.call_soon([&] {
    handles["before"] = loop.call_soon(cb("before"));
    handles["before"].cancel();
    ev("cancelled before " + py(handles["before"].cancelled()));
    handles["ran"] = loop.call_soon(cb("ran"));
    loop.call_soon([&] {
      ev("canceller");
      handles["later-same-iteration"].cancel();
      ev("cancelled later-same-iteration " + py(handles["later-same-iteration"].cancelled()));
      timer.cancel();
      ev("cancelled timer " + py(timer.cancelled()) + " when " + ms(timer.when()));
    });
    handles["later-same-iteration"] = loop.call_soon(cb("later-same-iteration"));
    timer = loop.call_later(1s, cb("timer"));
    loop.call_later(2s, [&] {
      ev("first-due");
      second_due.cancel();  // already moved to the ready queue
    });
    second_due = loop.call_later(2s, cb("second-due"));
    loop.call_later(2s, [&] {
      weft::handle& h = handles["ran"];
      ev("ran cancelled before " + py(h.cancelled()));
      h.cancel();
      ev("ran cancelled after " + py(h.cancelled()));
    });
    loop.call_later(5s, [&] { loop.stop(); });
  });
  loop.run_forever();
  ev.at(loop, "stopped");
  weft_test::expect_reference("loop_cancel_handles", ev);
}

TEST(EventLoopTest, EmptyHandleIsInert) {
  weft::handle h;
  weft::timer_handle t;
  EXPECT_FALSE(h);
  EXPECT_FALSE(h.cancelled());
  h.cancel();
  EXPECT_FALSE(h.cancelled());
  EXPECT_EQ(t.when(), weft::time_point{});
  virtual_loop v;
  weft::timer_handle real = v.loop.call_later(3s, [] {});
  EXPECT_TRUE(real);
  weft::timer_handle copy = real;  // copies share the callback
  copy.cancel();
  EXPECT_TRUE(real.cancelled());
  EXPECT_EQ(real.when(), at(3s));
}

// ---- stop, run_forever, run_until_complete ----

TEST(EventLoopTest, StopFromCallbackFinishesCurrentIteration) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  loop.call_soon([&] { ev("a"); });
  loop.call_soon([&] {
    ev("b stops");
    loop.stop();
    loop.call_soon([&] {
      ev("d");
      loop.call_soon([&] {
        ev("e stops");
        loop.stop();
      });
    });
  });
  loop.call_soon([&] { ev("c"); });
  loop.run_forever();
  ev.at(loop, "returned, ready " + std::to_string(loop.ready_count()) + " running " + py(loop.is_running()));
  loop.call_soon([&] { ev("f"); });
  loop.run_forever();
  ev.at(loop, "returned, ready " + std::to_string(loop.ready_count()));
  weft_test::expect_reference("loop_stop", ev);
}

TEST(EventLoopTest, StopBeforeRunForeverRunsOneIteration) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  loop.call_soon([&] {
    ev("a");
    loop.call_soon([&] { ev("b"); });
  });
  loop.call_later(5s, [&] {
    ev("timer");
    loop.stop();
  });
  loop.stop();
  loop.run_forever();
  ev.at(loop, "after first run, ready " + std::to_string(loop.ready_count()));
  loop.stop();
  loop.run_forever();
  ev.at(loop, "after second run, ready " + std::to_string(loop.ready_count()));
  loop.run_forever();
  ev.at(loop, "after third run");
  weft_test::expect_reference("loop_stop_before_run", ev);
}

TEST(EventLoopTest, IsRunningAndRunningLoopInsideAndOutside) {
  virtual_loop v;
  auto& loop = v.loop;
  EXPECT_FALSE(loop.is_running());
  EXPECT_EQ(weft::running_loop_or_null(), nullptr);
  bool inside = false;
  weft::event_loop* running = nullptr;
  loop.call_soon([&] {
    inside = loop.is_running();
    running = &weft::get_running_loop();
    loop.stop();
  });
  loop.run_forever();
  EXPECT_TRUE(inside);
  EXPECT_EQ(running, &loop);
  EXPECT_FALSE(loop.is_running());
  EXPECT_EQ(weft::running_loop_or_null(), nullptr);
}

TEST(EventLoopTest, RunUntilCompleteOnDoneFutureRunsOneIteration) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  auto fut = loop.create_future<int>();
  fut.set_result(42);
  loop.call_soon([&] {
    ev("a");
    loop.call_soon([&] { ev("b"); });
  });
  int r = loop.run_until_complete(fut);
  ev.at(loop, "result " + std::to_string(r) + " ready " + std::to_string(loop.ready_count()));
  loop.run_until_complete(fut);
  ev.at(loop, "again, ready " + std::to_string(loop.ready_count()));
  weft_test::expect_reference("loop_run_until_complete_done", ev);
}

TEST(EventLoopTest, RunUntilCompleteReturnsRethrowsAndDetectsEarlyStop) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;

  auto fut = loop.create_future<int>();
  loop.call_later(2s, [fut] { fut.set_result(7); });
  int r = loop.run_until_complete(fut);
  ev.at(loop, "result " + std::to_string(r));

  auto bad = loop.create_future<int>();
  loop.call_later(1s, [bad] { bad.set_exception(std::make_exception_ptr(std::invalid_argument("bad value"))); });
  try {
    loop.run_until_complete(bad);
    ADD_FAILURE() << "run_until_complete did not rethrow";
  } catch (const std::invalid_argument& e) {
    ev.at(loop, std::string("raised ") + e.what());
  }

  auto never = loop.create_future<int>();
  loop.call_later(1s, [&] { loop.stop(); });
  loop.call_later(5s, [never] { never.set_result(1); });
  try {
    loop.run_until_complete(never);
    ADD_FAILURE() << "run_until_complete returned for a pending future";
  } catch (const std::runtime_error& e) {
    ev.at(loop, std::string("raised ") + e.what());
  }
  ev.at(loop, "never done " + py(never.done()));
  r = loop.run_until_complete(never);
  ev.at(loop, "result " + std::to_string(r));
  weft_test::expect_reference("loop_run_until_complete", ev);
}

TEST(EventLoopTest, RunUntilCompleteWrapsCoroutineInTask) {
  virtual_loop v;
  auto& loop = v.loop;
  auto body = [](int x) -> weft::coro<int> {
    co_await weft::sleep(3s);
    co_return x * 2;
  };
  EXPECT_EQ(loop.run_until_complete(body(21)), 42);
  EXPECT_EQ(loop.time(), at(3s));
  auto thrower = []() -> weft::coro<int> {
    co_await weft::sleep(1s);
    throw std::invalid_argument("from coroutine");
  };
  EXPECT_THROW(loop.run_until_complete(thrower()), std::invalid_argument);
  EXPECT_EQ(loop.time(), at(4s));
}

TEST(EventLoopTest, DeadlockThrowsDeadlockError) {
  virtual_loop v;
  auto& loop = v.loop;
  auto pending = loop.create_future<int>();
  EXPECT_THROW(loop.run_until_complete(pending), weft::deadlock_error);
  EXPECT_FALSE(loop.is_running());
  EXPECT_EQ(weft::running_loop_or_null(), nullptr);
  EXPECT_FALSE(pending.done());
  // The loop stays usable, and run_until_complete's done callback is gone: the
  // next run sees only the new one.
  pending.set_result(5);
  EXPECT_EQ(loop.ready_count(), 0u);
  EXPECT_EQ(loop.run_until_complete(pending), 5);
  // run_forever with nothing to do and no stop() would block forever.
  EXPECT_THROW(loop.run_forever(), weft::deadlock_error);
  EXPECT_FALSE(loop.is_running());
}

// ---- misuse ----

TEST(EventLoopTest, MisuseRaisesAsyncioRuntimeErrors) {
  virtual_loop v;
  virtual_loop w;
  auto& loop = v.loop;
  auto& other = w.loop;
  weft_test::event_log ev;
  auto report = [&](const std::string& what, const std::function<void()>& fn) {
    try {
      fn();
      ev.at(loop, what + " -> no error");
    } catch (const std::runtime_error& e) {
      ev.at(loop, what + " -> " + e.what());
    } catch (...) {
      ev.at(loop, what + " -> unexpected " + weft_test::exception_text(std::current_exception()));
    }
  };
  report("get_running_loop outside", [] { (void)weft::get_running_loop(); });
  ev.at(loop, "running outside " + py(loop.is_running()));
  loop.call_soon([&] {
    ev("running inside " + py(loop.is_running()) + " " + py(&weft::get_running_loop() == &loop));
    report("close while running", [&] { loop.close(); });
    ev("closed " + py(loop.is_closed()));
    report("run_forever while running", [&] { loop.run_forever(); });
    loop.stop();
  });
  loop.run_forever();
  loop.call_soon([&] {
    report("run another loop", [&] { other.run_forever(); });
    loop.stop();
  });
  loop.run_forever();
  ev.at(loop, "running after " + py(loop.is_running()) + " closed " + py(loop.is_closed()));
  auto mine = loop.create_future<int>();
  loop.close();
  ev.at(loop, "closed " + py(loop.is_closed()));
  report("call_soon after close", [&] { loop.call_soon([] {}); });
  report("call_later after close", [&] { loop.call_later(1s, [] {}); });
  report("run_forever after close", [&] { loop.run_forever(); });
  report("run_until_complete after close", [&] { loop.run_until_complete(mine); });
  report("close again", [&] { loop.close(); });
  weft_test::expect_reference("loop_errors", ev);
}

TEST(EventLoopTest, FailedNestedRunKeepsOuterLoopRunning) {
  // A nested run_forever that throws leaves the outer loop's state alone.
  // CPython 3.13.0 runs _run_forever_setup inside run_forever's try/finally,
  // so the failed call's cleanup clears the outer loop's running state: a bug
  // (python/cpython#130145, fixed upstream), which weft does not copy.
  virtual_loop v;
  virtual_loop w;
  auto& loop = v.loop;
  bool still_running = false;
  weft::event_loop* running = nullptr;
  loop.call_soon([&] {
    EXPECT_THROW(loop.run_forever(), std::runtime_error);
    EXPECT_THROW(w.loop.run_forever(), std::runtime_error);
    EXPECT_THROW(w.loop.run_until_complete(w.loop.create_future<int>()), std::runtime_error);
    still_running = loop.is_running();
    running = weft::running_loop_or_null();
    loop.stop();
  });
  loop.run_forever();
  EXPECT_TRUE(still_running);
  EXPECT_EQ(running, &loop);
  EXPECT_FALSE(w.loop.is_running());
}

TEST(EventLoopTest, ClosedLoopChecksClosedFirstAndStillCreatesFutures) {
  virtual_loop v;
  virtual_loop w;
  v.loop.close();
  std::vector<std::string> lines;
  auto report = [&](const std::string& what, const std::function<void()>& fn) {
    try {
      fn();
      lines.push_back(what + " -> no error");
    } catch (const std::runtime_error& e) {
      lines.push_back(what + " -> RuntimeError " + e.what());
    } catch (const std::invalid_argument& e) {
      lines.push_back(what + " -> ValueError " + e.what());
    } catch (...) {
      lines.push_back(what + " -> unexpected " + weft_test::exception_text(std::current_exception()));
    }
  };
  report("run_until_complete of another loop's future",
         [&] { v.loop.run_until_complete(w.loop.create_future<int>()); });
  report("create_future", [&] { (void)v.loop.create_future<int>(); });
  EXPECT_EQ(lines, weft_test::reference_lines("loop_closed_future"));
}

// ---- close: what a deadlock leaves ----

/// Counts its live instances: a frame or a callback holding one is alive
/// until destroyed.
struct alive {
  int& n;
  explicit alive(int& count) : n(count) { ++n; }
  alive(const alive& o) : n(o.n) { ++n; }
  ~alive() { --n; }
};

weft::coro<void> wait_for_ever(weft::event& never, int& frames) {
  alive a(frames);
  co_await never.wait();
}

/// Gathers three children that wait for an event nobody sets, each with a
/// done callback of its own if `own_callbacks` (then gather's callback is a
/// node; else it is held by the child itself); `frames` counts the frames and
/// those callbacks. Once they are suspended, the tasks form a cycle: main's
/// frame holds the gather, the gather its children, and each child, through
/// the done callback gather added to it, the gather again.
weft::coro<void> gather_waiting_children(weft::event& never, int& frames, bool own_callbacks = true) {
  alive a(frames);
  std::vector<weft::task<void>> kids;
  for (int i = 0; i < 3; ++i) {
    kids.push_back(weft::create_task(wait_for_ever(never, frames)));
    if (own_callbacks) kids.back().add_done_callback([a = alive(frames)](const weft::any_future&) {});
  }
  co_await weft::gather(kids);
}

/// As above, with an event of the main task's own.
weft::coro<void> deadlock_on_own_event(int& frames) {
  weft::event never;
  co_await gather_waiting_children(never, frames);
}

TEST(EventLoopTest, CloseDestroysTheTasksADeadlockLeavesInACycle) {
  for (bool own_callbacks : {true, false})
  for (bool keep_main : {false, true}) {
    SCOPED_TRACE(keep_main ? "main's handle kept" : "main's handle dropped");
    SCOPED_TRACE(own_callbacks ? "children with callbacks of their own" : "children with gather's callback only");
    int frames = 0;
    // Everything the run made goes back to the frame pool once the loop is
    // gone (tasks, gather, nodes; under ASan, where the pool is off,
    // LeakSanitizer checks the same).
    const std::size_t blocks_before = weft::frame_pool_statistics().live_blocks;
    std::optional<weft::event> never_set(std::in_place);
    weft::event& never = *never_set;
    std::optional<virtual_loop> vl(std::in_place);
    virtual_loop& v = *vl;
    std::vector<std::string> messages;
    v.loop.set_exception_handler([&](weft::event_loop&, const weft::exception_context& ctx) {
      messages.push_back(ctx.message + " (" + ctx.task_name + ")");
    });
    auto main = v.loop.create_task(gather_waiting_children(never, frames, own_callbacks), {.name = "main"});
    EXPECT_THROW(v.loop.run_until_complete(main), weft::deadlock_error);
    EXPECT_EQ(frames, own_callbacks ? 7 : 4);
    if (!keep_main) main = {};
    v.loop.close();
    // Every frame and callback is gone, and with them the cycle
    // (LeakSanitizer reports what is left otherwise); each task was reported
    // once, in creation order.
    EXPECT_EQ(frames, 0);
    EXPECT_EQ(messages, (std::vector<std::string>{"Task was destroyed but it is pending! (main)",
                                                  "Task was destroyed but it is pending! (Task-1)",
                                                  "Task was destroyed but it is pending! (Task-2)",
                                                  "Task was destroyed but it is pending! (Task-3)"}));
    if (keep_main) {
      EXPECT_FALSE(main.done());
    }
    main = {};
    vl.reset();
    never_set.reset();  // it holds its waiters' futures
    EXPECT_EQ(weft::frame_pool_statistics().live_blocks, blocks_before);
  }
}

TEST(EventLoopTest, CloseReleasesWhatDoneCallbacksOfPendingFuturesHold) {
  // No task left: main awaits a gather of two futures nobody completes and is
  // destroyed at close; the gather and its futures hold each other through the
  // gather's done callbacks, which can never run on a closed loop.
  int held = 0;
  {
    virtual_loop v;
    auto main = v.loop.create_task([](int& held) -> weft::coro<void> {
      auto a = weft::create_future<int>();
      auto b = weft::create_future<int>();
      a.add_done_callback([h = alive(held)](const weft::any_future&) {});
      co_await weft::gather(a, b);
    }(held));
    EXPECT_THROW(v.loop.run_until_complete(main), weft::deadlock_error);
    EXPECT_EQ(held, 1);
    v.loop.set_exception_handler([](weft::event_loop&, const weft::exception_context&) {});
    v.loop.close();
    EXPECT_EQ(held, 0);
  }
  EXPECT_EQ(held, 0);
}

TEST(EventLoopTest, SimulatedDeadlockLeavesNoTaskBehind) {
  // The same program under the simulator, whose body_program closes its loop
  // after the deadlock: every schedule ends with every frame destroyed.
  int frames = 0;
  weft::sim::explore_options opts;
  opts.strategy = weft::sim::strategy_kind::random;
  opts.runs = 20;
  const auto r = weft::sim::explore([&frames] { return deadlock_on_own_event(frames); }, opts);
  EXPECT_EQ(r.failures, r.runs);
  ASSERT_TRUE(r.first_failure);
  EXPECT_EQ(r.first_failure->failed.kind, weft::sim::failure_kind::deadlock);
  EXPECT_EQ(frames, 0);
}

// ---- the exception handler ----

TEST(EventLoopTest, CallbackExceptionGoesToHandlerAndLoopContinues) {
  virtual_loop v;
  auto& loop = v.loop;
  weft_test::event_log ev;
  std::vector<std::string> task_names;
  loop.set_exception_handler([&](weft::event_loop& l, const weft::exception_context& ctx) {
    EXPECT_EQ(&l, &loop);
    task_names.push_back(ctx.task_name);
    ev("handler " + ctx.message + " | " + weft_test::exception_text(ctx.exception));
  });
  loop.call_soon([&] {
    ev("a");
    loop.call_soon([&] {
      ev("c");
      loop.call_later(1s, [&] {
        ev("d");
        throw std::invalid_argument("late");
      });
    });
    throw std::invalid_argument("boom");
  });
  loop.call_soon([&] { ev("b"); });
  loop.call_later(1s, [&] {
    ev("timer");
    throw std::runtime_error("in timer");
  });
  loop.call_later(2s, [&] {
    ev("e");
    loop.stop();
  });
  loop.run_forever();
  weft_test::expect_reference("loop_callback_exception", ev);
  EXPECT_EQ(task_names, (std::vector<std::string>{"", "", ""}));
}

// ---- custom schedulers ----

/// Always runs the newest remaining callback of the iteration; records what it
/// was offered.
class last_first_scheduler final : public weft::scheduler {
 public:
  std::size_t pick(std::span<const weft::ready_entry> ready) override {
    offered.push_back(ready.size());
    for (std::size_t i = 1; i < ready.size(); ++i)
      if (ready[i - 1].sequence() >= ready[i].sequence()) sequences_increase = false;
    return ready.size() - 1;
  }
  void order_due(std::span<weft::due_timer> due) override {
    std::vector<weft::time_point> whens;
    for (const weft::due_timer& d : due) whens.push_back(d.when);
    due_batches.push_back(whens);
    for (std::size_t i = 1; i < due.size(); ++i)
      if (due[i - 1].sequence >= due[i].sequence) due_sorted = false;
    if (reverse_due) std::reverse(due.begin(), due.end());
  }
  std::vector<std::size_t> offered;
  std::vector<std::vector<weft::time_point>> due_batches;
  bool sequences_increase = true;  // pick() saw the oldest first
  bool due_sorted = true;          // order_due got (when, sequence) order
  bool reverse_due = false;
};

TEST(EventLoopTest, CustomSchedulerPickIsHonouredWithinEachIteration) {
  last_first_scheduler sched;
  virtual_loop v(&sched);
  auto& loop = v.loop;
  std::vector<std::string> order;
  auto note = [&](const char* name) { return [&order, name] { order.push_back(name); }; };
  loop.call_soon([&] {
    order.push_back("a");
    loop.call_soon(note("d"));
    loop.call_soon(note("e"));
  });
  loop.call_soon(note("b"));
  loop.call_soon([&] {
    order.push_back("c");
    loop.call_soon([&] {
      order.push_back("f");
      loop.stop();
    });
  });
  loop.run_forever();
  // Iteration 1 holds [a, b, c]: the last remaining goes first, so c, b, a;
  // c schedules f, then a schedules d and e. Iteration 2 holds [f, d, e]: e, d, f.
  EXPECT_EQ(order, (std::vector<std::string>{"c", "b", "a", "e", "d", "f"}));
  // pick() is asked only while two or more remain: 3, 2 then 3, 2.
  EXPECT_EQ(sched.offered, (std::vector<std::size_t>{3, 2, 3, 2}));
  EXPECT_TRUE(sched.sequences_increase);
}

/// Notes each ready callback's task name both ways (a copy, a view).
class name_scheduler final : public weft::scheduler {
 public:
  std::size_t pick(std::span<const weft::ready_entry> ready) override {
    for (const weft::ready_entry& e : ready) {
      weft::task_name_room room;
      copies.push_back(e.task_name());
      views.emplace_back(e.task_name(room));
    }
    return 0;
  }
  std::vector<std::string> copies, views;
};

TEST(EventLoopTest, ReadyEntryNamesATaskWithoutACopy) {
  // The view is the stored name, or "Task-N" written into the caller's room.
  name_scheduler sched;
  virtual_loop v(&sched);
  auto body = []() -> weft::coro<> { co_return; };
  auto unnamed = v.loop.create_task(body());
  auto named = v.loop.create_task(body(), {.name = "worker"});
  auto renamed = v.loop.create_task(body());
  renamed.set_name("renamed");
  v.loop.call_soon([] {});
  v.loop.run_until_complete(weft::gather(unnamed, named, renamed));
  ASSERT_GE(sched.copies.size(), 4u);
  EXPECT_EQ(sched.views, sched.copies);
  EXPECT_EQ(std::vector<std::string>(sched.views.begin(), sched.views.begin() + 4),
            (std::vector<std::string>{unnamed.get_name(), "worker", "renamed", ""}));
  EXPECT_EQ(unnamed.get_name().substr(0, 5), "Task-");
}

TEST(EventLoopTest, CustomSchedulerOrdersEqualDeadlineTimers) {
  for (bool reverse : {false, true}) {
    SCOPED_TRACE(reverse ? "order_due reverses" : "order_due keeps");
    last_first_scheduler sched;
    sched.reverse_due = reverse;
    virtual_loop v(&sched);
    auto& loop = v.loop;
    std::vector<std::string> order;
    auto note = [&](const char* name) { return [&order, name] { order.push_back(name); }; };
    loop.call_later(1s, note("t1"));
    loop.call_at(at(1s), note("t2"));
    loop.call_later(1s, note("t3"));
    loop.call_later(2s, [&] { loop.stop(); });
    loop.run_forever();
    ASSERT_EQ(sched.due_batches.size(), 2u);
    EXPECT_EQ(sched.due_batches[0], (std::vector<weft::time_point>{at(1s), at(1s), at(1s)}));
    EXPECT_EQ(sched.due_batches[1], (std::vector<weft::time_point>{at(2s)}));
    EXPECT_TRUE(sched.due_sorted);
    // The three timers join the ready queue in order_due's order, and pick()
    // runs the last remaining first.
    if (reverse)
      EXPECT_EQ(order, (std::vector<std::string>{"t1", "t2", "t3"}));
    else
      EXPECT_EQ(order, (std::vector<std::string>{"t3", "t2", "t1"}));
  }
}

// ---- weft's guards against runaway programs (loop_options) ----

weft::coro<void> forever() {
  for (;;) co_await weft::sleep(1s);
}

TEST(EventLoopLimitsTest, MaxTasksRefusesTheTaskPastItAndStopsTheLoop) {
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock, .max_tasks = 3});
  std::vector<std::string> seen;
  // A coroutine lambda's captures die with the closure: the state comes in as an argument.
  auto main = loop.create_task([](std::vector<std::string>& seen) -> weft::coro<void> {
    std::vector<weft::task<void>> keep;
    keep.push_back(weft::create_task(forever()));
    keep.push_back(weft::create_task(forever()));  // main and two: the limit
    try {
      keep.push_back(weft::create_task(forever()));
    } catch (const weft::resource_limit_error& e) {
      seen.push_back(e.what());  // a program may swallow it: the loop does not
    }
    co_await weft::sleep(1s);
    seen.push_back("main went on");
  }(seen));
  EXPECT_THROW(loop.run_until_complete(main), weft::resource_limit_error);
  ASSERT_EQ(seen.size(), 1u) << "the next iteration stops the loop";
  EXPECT_EQ(seen[0], "more than 3 tasks alive at once (loop_options::max_tasks)");
  loop.close();
}

weft::coro<int> quick() {
  co_await weft::sleep(0s);
  co_return 1;
}

weft::coro<int> one_at_a_time() {
  int sum = 0;
  for (int i = 0; i < 100; ++i) sum += co_await weft::create_task(quick());  // main and one at a time
  co_return sum;
}

TEST(EventLoopLimitsTest, MaxTasksCountsOnlyTasksAlive) {
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock, .max_tasks = 2});
  auto main = loop.create_task(one_at_a_time());
  EXPECT_EQ(loop.run_until_complete(main), 100);
  loop.close();
}

TEST(EventLoopLimitsTest, MaxHeapStopsTheLoopOnceTheHeapIsPastIt) {
  if (weft::heap_in_use() == 0) GTEST_SKIP() << "the allocator does not report its heap (no mallinfo2, or a sanitizer's allocator)";
  weft::virtual_clock clock;
  weft::event_loop loop({.clock = &clock, .max_heap = 1});
  int iterations = 0;
  auto main = loop.create_task([](int& iterations) -> weft::coro<void> {
    for (;; ++iterations) co_await weft::sleep(0s);
  }(iterations));
  try {
    loop.run_until_complete(main);
    ADD_FAILURE() << "the loop did not stop";
  } catch (const weft::resource_limit_error& e) {
    EXPECT_EQ(std::string(e.what()), "the heap grew past 1 bytes (loop_options::max_heap)");
  }
  EXPECT_EQ(iterations, 1022) << "the heap is read every 1024 iterations (main's first step is the first)";
  loop.close();
}

}  // namespace
