// Tests of run_coroutine_threadsafe.hpp and concurrent_future.hpp: a loop
// running in one thread takes coroutines from others; their concurrent
// futures give results with timeouts, and cancelling them cancels the task,
// racing its completion both ways. CTest label `threads` (ThreadSanitizer in CI).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

using namespace std::chrono_literals;

namespace {

/// A loop running forever in its own thread (kept waiting by a work guard),
/// stopped and joined at the end of the scope.
class loop_thread {
 public:
  explicit loop_thread(weft::clock* clock = nullptr) : loop_(weft::loop_options{.clock = clock}) {
    guard_ = loop_.make_work_guard();
    thread_ = std::thread([this] { loop_.run_forever(); });
  }
  ~loop_thread() {
    loop_.call_soon_threadsafe([this] { loop_.stop(); });
    thread_.join();
  }
  weft::event_loop& loop() noexcept { return loop_; }

 private:
  weft::event_loop loop_;
  weft::work_guard guard_;
  std::thread thread_;
};

weft::coro<int> sleep_then(weft::duration d, int v) {
  co_await weft::sleep(d);
  co_return v;
}

TEST(RunCoroutineThreadsafeTest, TheTutorialsSleepWithAResult) {
  // Tutorial 3.3.2: run_coroutine_threadsafe(asyncio.sleep(1, result=3), loop).
  weft::virtual_clock clock;
  loop_thread lt(&clock);
  weft::concurrent_future<int> f = weft::run_coroutine_threadsafe(sleep_then(1s, 3), lt.loop());
  EXPECT_EQ(f.result(), 3);
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.cancelled());
}

TEST(RunCoroutineThreadsafeTest, AnExceptionReachesTheWaitingThreadUnchanged) {
  loop_thread lt;
  auto f = weft::run_coroutine_threadsafe([]() -> weft::coro<int> {
    throw std::out_of_range("index 9");
    co_return 0;
  }(), lt.loop());
  try {
    f.result();
    FAIL() << "result() returned";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "index 9");
  }
  EXPECT_NE(f.exception(), nullptr);
}

TEST(RunCoroutineThreadsafeTest, ResultTimesOutWhileTheTaskRuns) {
  loop_thread lt;
  auto f = weft::run_coroutine_threadsafe(sleep_then(10s, 1), lt.loop());
  EXPECT_THROW(f.result(20ms), weft::timeout_error);
  EXPECT_FALSE(f.done());
  EXPECT_TRUE(f.cancel());  // cancels the task in the loop too
  EXPECT_THROW(f.result(), weft::cancelled_error);
}

TEST(RunCoroutineThreadsafeTest, CancellingTheFutureCancelsTheTask) {
  loop_thread lt;
  std::atomic<bool> saw_cancel{false};
  auto f = weft::run_coroutine_threadsafe(
      [](std::atomic<bool>& saw) -> weft::coro<void> {
        try {
          co_await weft::sleep(1h);
        } catch (const weft::cancelled_error&) {
          saw = true;
          throw;
        }
      }(saw_cancel),
      lt.loop());
  std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(f.cancel());
  // The task learns of it on the loop's thread: wait for that through the loop.
  weft::run_coroutine_threadsafe([]() -> weft::coro<void> { co_await weft::sleep(0s); }(), lt.loop()).result();
  EXPECT_TRUE(saw_cancel);
}

TEST(RunCoroutineThreadsafeTest, CancellationRacesCompletionInBothDirections) {
  // Cancelled from this thread while the task ends in the loop's: the future
  // ends cancelled or with the result, exactly once, and never hangs.
  loop_thread lt;
  int cancelled = 0, completed = 0;
  for (int round = 0; round < 300; ++round) {
    auto f = weft::run_coroutine_threadsafe([](int r) -> weft::coro<int> {
      if (r % 2) co_await weft::sleep(std::chrono::microseconds(r % 9 * 20));
      co_return r;
    }(round), lt.loop());
    if (round % 3) std::this_thread::sleep_for(std::chrono::microseconds(round % 4 * 30));
    const bool cancel_won = f.cancel();
    try {
      EXPECT_EQ(f.result(), round);
      EXPECT_FALSE(cancel_won);
      ++completed;
    } catch (const weft::cancelled_error&) {
      EXPECT_TRUE(cancel_won);
      ++cancelled;
    }
  }
  EXPECT_EQ(cancelled + completed, 300);
  EXPECT_GT(cancelled, 0);
}

TEST(RunCoroutineThreadsafeTest, ALoopClosedBeforeTheTaskEndsCancelsTheFuture) {
  auto loop = std::make_unique<weft::event_loop>();
  auto f = weft::run_coroutine_threadsafe(sleep_then(1h, 1), *loop);
  loop->close();  // never ran: the queued coroutine is dropped
  loop.reset();
  EXPECT_TRUE(f.cancelled());
}

TEST(RunCoroutineThreadsafeTest, RefusesAnEmptyCoroutineAndAClosedLoop) {
  weft::event_loop loop;
  EXPECT_THROW(weft::run_coroutine_threadsafe(weft::coro<int>(), loop), std::invalid_argument);
  loop.close();
  std::string error;
  std::thread([&] {
    try {
      weft::run_coroutine_threadsafe(sleep_then(1s, 1), loop);
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  }).join();
  EXPECT_EQ(error, "Event loop is closed");
}

TEST(RunCoroutineThreadsafeTest, AToThreadFunctionWaitsForTheLoop) {
  // A function on the default executor hands the loop a coroutine and blocks
  // on its result: with a virtual clock, the loop must not wait for that
  // thread before moving time on (it waits on the loop).
  weft::virtual_clock clock;
  int got = weft::run(
      [&]() -> weft::coro<int> {
        weft::event_loop& loop = weft::get_running_loop();
        co_return co_await weft::to_thread(
            [&loop] { return weft::run_coroutine_threadsafe(sleep_then(5s, 8), loop).result() + 1; });
      }(),
      {.clock = &clock});
  EXPECT_EQ(got, 9);
  EXPECT_EQ(clock.now().time_since_epoch(), 5s);
}

TEST(ConcurrentFutureTest, StatesCallbacksAndMisuse) {
  weft::concurrent_future<int> f;
  std::vector<std::string> seen;
  f.add_done_callback([&](const weft::concurrent_future<int>& d) { seen.push_back("cb " + std::to_string(d.result())); });
  EXPECT_FALSE(f.done());
  EXPECT_TRUE(f.set_running_or_notify_cancel());
  EXPECT_TRUE(f.running());
  EXPECT_FALSE(f.cancel());  // running: too late
  f.set_result(4);
  EXPECT_EQ(seen, (std::vector<std::string>{"cb 4"}));
  EXPECT_THROW(f.set_result(5), weft::invalid_state_error);
  f.add_done_callback([&](const weft::concurrent_future<int>&) { seen.push_back("late"); });  // runs at once
  EXPECT_EQ(seen.size(), 2u);

  weft::concurrent_future<void> g;
  EXPECT_TRUE(g.cancel());
  EXPECT_TRUE(g.cancel());
  EXPECT_FALSE(g.set_running_or_notify_cancel());
  EXPECT_THROW(g.result(), weft::cancelled_error);
  EXPECT_FALSE(weft::concurrent_future<int>().wait(1ms));
}

}  // namespace
