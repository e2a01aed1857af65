// Tests of the loop's threadsafe entry (event_loop.hpp, thread_inbox.hpp):
// call_soon_threadsafe from many threads, the wakeup of a loop waiting on
// the steady clock, work guards, a closed loop, and debug mode's check of
// the calling thread. CTest label `threads` (run under ThreadSanitizer in CI).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

using namespace std::chrono_literals;

namespace {

TEST(CallSoonThreadsafeTest, AMillionCallbacksFromEightThreadsArriveInEachThreadsOrder) {
  constexpr int threads = 8;
  constexpr int per_thread = 125'000;
  weft::event_loop loop;
  std::vector<int> last(threads, -1);
  long received = 0;
  bool in_order = true;
  auto guard = loop.make_work_guard();
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        loop.call_soon_threadsafe([&, t, i] {
          in_order = in_order && last[t] == i - 1;
          last[t] = i;
          if (++received == long{threads} * per_thread) loop.stop();
        });
    });
  loop.run_forever();
  for (std::thread& p : posters) p.join();
  EXPECT_EQ(received, long{threads} * per_thread);
  EXPECT_TRUE(in_order);
  for (int t = 0; t < threads; ++t) EXPECT_EQ(last[t], per_thread - 1);
}

TEST(CallSoonThreadsafeTest, WakesALoopWaitingForAFarTimer) {
  // The loop's only timer is an hour away: it sleeps on its wakeup, and the
  // post must end that sleep (the test would otherwise take an hour).
  weft::event_loop loop;
  bool timer_ran = false;
  loop.call_later(1h, [&] { timer_ran = true; });
  std::thread poster([&] {
    std::this_thread::sleep_for(20ms);
    loop.call_soon_threadsafe([&] { loop.stop(); });
  });
  loop.run_forever();
  poster.join();
  EXPECT_FALSE(timer_ran);
}

TEST(CallSoonThreadsafeTest, AWorkGuardKeepsAnIdleLoopWaitingInsteadOfADeadlock) {
  weft::event_loop loop;
  auto guard = loop.make_work_guard();
  std::atomic<bool> ran{false};
  std::thread poster([&] {
    std::this_thread::sleep_for(20ms);
    loop.call_soon_threadsafe([&] { ran = true; });
    std::this_thread::sleep_for(20ms);
    guard.reset();  // released on another thread: the loop looks again and finds nothing
  });
  EXPECT_THROW(loop.run_forever(), weft::deadlock_error);
  poster.join();
  EXPECT_TRUE(ran);
}

TEST(CallSoonThreadsafeTest, WithoutAGuardAnIdleLoopStillReportsADeadlock) {
  weft::event_loop loop;
  EXPECT_THROW(loop.run_forever(), weft::deadlock_error);
}

TEST(CallSoonThreadsafeTest, AClosedLoopRefusesThreadsafeWorkAndDropsWhatWasQueued) {
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  {
    weft::event_loop loop;
    std::thread t([&, a = std::move(alive)]() mutable { loop.call_soon_threadsafe([a = std::move(a)] {}); });
    t.join();
    loop.close();  // the queued callback never ran: it is dropped, and what it holds freed
    EXPECT_TRUE(watch.expired());
    std::string error;
    std::thread late([&] {
      try {
        loop.call_soon_threadsafe([] {});
      } catch (const std::runtime_error& e) {
        error = e.what();
      }
    });
    late.join();
    EXPECT_EQ(error, "Event loop is closed");
  }
}

TEST(CallSoonThreadsafeTest, DebugModeNamesTheMethodCalledFromAnotherThread) {
  weft::event_loop loop;
  loop.set_debug(true);
  auto guard = loop.make_work_guard();
  std::string call_soon_error, call_later_error, create_task_error;
  std::promise<void> running;
  loop.call_soon([&] { running.set_value(); });
  std::thread other([&] {
    running.get_future().wait();
    try {
      loop.call_soon([] {});
    } catch (const std::runtime_error& e) {
      call_soon_error = e.what();
    }
    try {
      loop.call_later(1s, [] {});
    } catch (const std::runtime_error& e) {
      call_later_error = e.what();
    }
    try {
      loop.create_task([]() -> weft::coro<> { co_return; }());
    } catch (const std::runtime_error& e) {
      create_task_error = e.what();
    }
    loop.call_soon_threadsafe([&] { loop.stop(); });
  });
  loop.run_forever();
  other.join();
  EXPECT_NE(call_soon_error.find("event_loop::call_soon was called from a thread other than the one running the loop"),
            std::string::npos)
      << call_soon_error;
  EXPECT_NE(call_later_error.find("event_loop::call_at"), std::string::npos) << call_later_error;
  EXPECT_NE(create_task_error.find("event_loop::create_task"), std::string::npos) << create_task_error;
  EXPECT_EQ(loop.ready_count(), 0u);  // nothing was scheduled by the refused calls
}

TEST(CallSoonThreadsafeTest, ALoopNotYetRunningMayBeSetUpFromAnyThread) {
  weft::event_loop loop;
  loop.set_debug(true);
  // Not running, the loop belongs to no thread: even in debug mode any thread
  // may schedule on it before it runs, as in asyncio.
  std::thread([&] { loop.call_soon([&] { loop.stop(); }); }).join();
  loop.run_forever();
}

TEST(CallSoonThreadsafeTest, TheLoopsOwnThreadMayUseItToo) {
  weft::event_loop loop;
  std::vector<int> order;
  loop.call_soon([&] {
    loop.call_soon_threadsafe([&] { order.push_back(2); });
    loop.call_soon([&] {
      order.push_back(3);
      loop.stop();
    });
    order.push_back(1);
  });
  loop.run_forever();
  // From the loop's own thread it is call_soon: the same queue, in order.
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

}  // namespace
