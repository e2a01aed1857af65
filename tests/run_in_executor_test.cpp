// Tests of run_in_executor.hpp and executor.hpp: loop.run_in_executor,
// to_thread, wrap_future, thread_pool_executor, the default executor and its
// shutdown, and cancellation racing a thread's completion. CTest label
// `threads` (run under ThreadSanitizer in CI).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

using namespace std::chrono_literals;

namespace {

struct custom_error : std::runtime_error {
  using std::runtime_error::runtime_error;
  int code = 7;
};

TEST(ToThreadTest, ReturnsTheFunctionsResultFromAnotherThread) {
  const std::thread::id loop_thread = std::this_thread::get_id();
  auto [value, ran_elsewhere] = weft::run([&]() -> weft::coro<std::pair<int, bool>> {
    co_return co_await weft::to_thread(
        [&](int a, int b) { return std::pair{a * b, std::this_thread::get_id() != loop_thread}; }, 6, 7);
  }());
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(ran_elsewhere);
}

TEST(ToThreadTest, AnExceptionThrownInTheThreadReachesTheAwaitingTaskUnchanged) {
  int code = 0;
  std::string what;
  weft::run([&]() -> weft::coro<> {
    try {
      co_await weft::to_thread([] {
        custom_error e("disk on fire");
        e.code = 451;
        throw e;
      });
    } catch (const custom_error& e) {
      code = e.code;
      what = e.what();
    }
  }());
  EXPECT_EQ(code, 451);
  EXPECT_EQ(what, "disk on fire");
}

TEST(ToThreadTest, ManyConcurrentCallsAllComplete) {
  constexpr int calls = 200;
  std::atomic<int> running{0}, most{0};
  std::vector<int> results = weft::run([&]() -> weft::coro<std::vector<int>> {
    std::vector<weft::task<int>> tasks;
    for (int i = 0; i < calls; ++i)
      tasks.push_back(weft::create_task(weft::to_thread([&, i] {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(1ms);
        --running;
        return i * i;
      })));
    std::vector<int> out;
    for (auto& t : tasks) out.push_back(co_await t);
    co_return out;
  }());
  ASSERT_EQ(results.size(), std::size_t{calls});
  for (int i = 0; i < calls; ++i) EXPECT_EQ(results[i], i * i);
  EXPECT_GT(most.load(), 1);  // they overlapped
  EXPECT_LE(most.load(), static_cast<int>(weft::thread_pool_executor::default_max_workers()));
}

TEST(ToThreadTest, GatherWithSleepAsInTheTutorial) {
  // Tutorial 3.3.1: gather(to_thread(f), sleep(1)) takes one second of loop time.
  weft::virtual_clock clock;
  std::vector<std::string> log;
  weft::run(
      [&]() -> weft::coro<> {
        co_await weft::gather(weft::to_thread([] { std::this_thread::sleep_for(10ms); }), weft::sleep(1s));
        log.push_back("done at " + std::to_string(weft::get_running_loop().time().time_since_epoch() / 1ms));
      }(),
      {.clock = &clock});
  EXPECT_EQ(log, (std::vector<std::string>{"done at 1000"}));
}

TEST(RunInExecutorTest, CancellingBeforeTheWorkStartsKeepsItFromRunning) {
  weft::thread_pool_executor pool(1);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> second_ran{false};
  weft::run([&]() -> weft::coro<> {
    weft::event_loop& loop = weft::get_running_loop();
    auto first = loop.run_in_executor(&pool, [gate] { gate.wait(); });
    auto second = loop.run_in_executor(&pool, [&] { second_ran = true; });
    EXPECT_TRUE(second.cancel());
    // As in asyncio, the cancel reaches the job through a done callback that
    // the loop runs on its next turn: let it run before the thread is free.
    co_await weft::sleep(0s);
    release.set_value();
    co_await first;
    EXPECT_TRUE(second.cancelled());
  }());
  pool.shutdown(true);
  EXPECT_FALSE(second_ran);
}

TEST(RunInExecutorTest, CancellationRacesCompletionInBothDirections) {
  // The awaiting task is cancelled while its thread works, or just as the
  // thread finishes: either way the task ends cancelled or with the result,
  // never both, never hanging, and the thread's work runs at most once.
  int cancelled = 0, completed = 0;
  std::atomic<int> runs{0};
  for (int round = 0; round < 200; ++round) {
    weft::run([&]() -> weft::coro<> {
      auto work = weft::create_task(weft::to_thread([&, round] {
        ++runs;
        if (round % 2) std::this_thread::sleep_for(std::chrono::microseconds(round % 7 * 50));
        return round;
      }));
      co_await weft::sleep(0s);
      if (round % 3) std::this_thread::sleep_for(std::chrono::microseconds(round % 5 * 40));
      work.cancel();
      try {
        EXPECT_EQ(co_await work, round);
        ++completed;
      } catch (const weft::cancelled_error&) {
        ++cancelled;
      }
    }());
  }
  EXPECT_EQ(cancelled + completed, 200);
  EXPECT_GT(cancelled, 0);
  EXPECT_LE(runs.load(), 200);
}

TEST(RunInExecutorTest, AThreadFinishingJustBeforeTheCancelStillCompletesTheTask) {
  // The thread's result has reached the loop (the future is done) when the
  // task is cancelled: the await has already been woken, so the cancel is
  // delivered at the task's next await, like asyncio's.
  weft::run([&]() -> weft::coro<> {
    weft::event_loop& loop = weft::get_running_loop();
    auto fut = loop.run_in_executor(nullptr, [] { return 5; });
    while (!fut.done()) co_await weft::sleep(1ms);
    EXPECT_FALSE(fut.cancel());
    EXPECT_EQ(co_await fut, 5);
  }());
}

TEST(RunInExecutorTest, ACustomExecutorRunsTheWork) {
  struct inline_executor final : weft::executor {
    int submitted = 0;
    void submit(work w) override {
      ++submitted;
      w();
    }
    void shutdown(bool, bool) override {}
  } ex;
  int result = weft::run([&]() -> weft::coro<int> {
    co_return co_await weft::get_running_loop().run_in_executor(&ex, [] { return 3; });
  }());
  EXPECT_EQ(result, 3);
  EXPECT_EQ(ex.submitted, 1);
}

TEST(RunInExecutorTest, WorkDroppedByAShutdownWithCancelFuturesCancelsItsFuture) {
  weft::thread_pool_executor pool(1);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  weft::run([&]() -> weft::coro<> {
    weft::event_loop& loop = weft::get_running_loop();
    std::promise<void> started;
    auto blocker = loop.run_in_executor(&pool, [gate, &started] {
      started.set_value();
      gate.wait();
    });
    auto queued = loop.run_in_executor(&pool, [] { return 1; });
    started.get_future().wait();  // the pool's one thread is busy: `queued` waits in its queue
    pool.shutdown(false, true);
    release.set_value();
    co_await blocker;
    EXPECT_THROW(co_await queued, weft::cancelled_error);
  }());
}

TEST(DefaultExecutorTest, ShutdownWaitsForRunningWorkAndRefusesNewWork) {
  std::atomic<bool> finished{false};
  std::string refused;
  weft::run([&]() -> weft::coro<> {
    weft::event_loop& loop = weft::get_running_loop();
    auto slow = loop.run_in_executor(nullptr, [&] {
      std::this_thread::sleep_for(50ms);
      finished = true;
    });
    co_await loop.shutdown_default_executor();
    EXPECT_TRUE(finished);  // the shutdown waited for it
    co_await slow;
    try {
      (void)loop.run_in_executor(nullptr, [] {});
    } catch (const std::runtime_error& e) {
      refused = e.what();
    }
  }());
  EXPECT_EQ(refused, "Executor shutdown has been called");
}

TEST(DefaultExecutorTest, SetDefaultExecutorIsUsedByToThread) {
  auto pool = std::make_shared<weft::thread_pool_executor>(2);
  std::set<std::thread::id> ids;
  std::mutex m;
  weft::run([&]() -> weft::coro<> {
    weft::get_running_loop().set_default_executor(pool);
    std::vector<weft::task<void>> tasks;
    for (int i = 0; i < 20; ++i)
      tasks.push_back(weft::create_task(weft::to_thread([&] {
        std::this_thread::sleep_for(1ms);
        std::lock_guard lock(m);
        ids.insert(std::this_thread::get_id());
      })));
    for (auto& t : tasks) co_await t;
    EXPECT_EQ(pool->thread_count(), ids.size());
  }());
  EXPECT_LE(ids.size(), 2u);
  EXPECT_EQ(pool->thread_count(), 0u);  // weft::run shut the default executor down: threads joined
}

TEST(ThreadPoolExecutorTest, SizeStartsThreadsLazilyAndRefusesWorkAfterShutdown) {
  EXPECT_EQ(weft::thread_pool_executor::default_max_workers(),
            std::min<std::size_t>(32, std::max(1u, std::thread::hardware_concurrency()) + 4));
  EXPECT_THROW(weft::thread_pool_executor(0), std::invalid_argument);
  weft::thread_pool_executor pool(3);
  EXPECT_EQ(pool.thread_count(), 0u);
  std::atomic<int> done{0};
  pool.submit([&] { ++done; });
  pool.shutdown(true);
  EXPECT_EQ(done.load(), 1);
  EXPECT_LE(pool.thread_count(), 1u);
  EXPECT_THROW(pool.submit([] {}), std::runtime_error);
}

TEST(WrapFutureTest, AConcurrentFutureCompletedByAnotherThread) {
  weft::concurrent_future<std::string> cf;
  std::thread producer;
  std::string got = weft::run([&]() -> weft::coro<std::string> {
    producer = std::thread([cf] {
      std::this_thread::sleep_for(10ms);
      cf.set_result("from a thread");
    });
    co_return co_await weft::wrap_future(cf);
  }());
  producer.join();
  EXPECT_EQ(got, "from a thread");
}

TEST(WrapFutureTest, CancellingTheWrapperCancelsTheConcurrentFuture) {
  weft::concurrent_future<int> cf;
  weft::run([&]() -> weft::coro<> {
    auto f = weft::wrap_future(cf);
    f.cancel();
    EXPECT_THROW(co_await f, weft::cancelled_error);
  }());
  EXPECT_TRUE(cf.cancelled());
}

TEST(WrapFutureTest, AStdFutureIsWaitedForOnTheDefaultExecutor) {
  std::promise<int> p;
  std::thread producer([&] {
    std::this_thread::sleep_for(10ms);
    p.set_value(11);
  });
  int got = weft::run([&]() -> weft::coro<int> {
    auto wrapped = weft::wrap_future(p.get_future());  // not inside co_await: see README, g++ 12
    co_return co_await wrapped;
  }());
  producer.join();
  EXPECT_EQ(got, 11);
}

}  // namespace
