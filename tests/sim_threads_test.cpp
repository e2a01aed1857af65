// Threads under the simulator: when an executor job's work reaches the loop
// is a decision (decision_kind::thread), so a program with to_thread
// explores, shrinks and replays exactly. CTest label `threads`.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <weft/sim/sim.hpp>
#include <weft/weft.hpp>

using namespace std::chrono_literals;

namespace {

/// Two blocking lookups handed to the default executor one after the other;
/// the program assumes the first one's answer arrives first. Only the
/// order of the threads' results can break that: no ready decision can.
weft::coro<void> lookups_in_order() {
  auto order = std::make_shared<std::string>();
  weft::event_loop& loop = weft::get_running_loop();
  auto a = loop.run_in_executor(nullptr, [] { return 'a'; });
  auto b = loop.run_in_executor(nullptr, [] { return 'b'; });
  a.add_done_callback([order](weft::future<char> f) { *order += f.result(); });
  b.add_done_callback([order](weft::future<char> f) { *order += f.result(); });
  co_await a;
  co_await b;
  co_await weft::sleep(0s);  // the last done callback has run
  weft::sim::trace("order " + *order);
  WEFT_CHECK(*order == "ab");
}

weft::coro<void> check_after_a_second(std::shared_ptr<std::atomic<bool>> finished) {
  co_await weft::sleep(1s);
  weft::sim::trace(*finished ? "thread first" : "timer first");
  WEFT_CHECK(*finished);
}

/// A blocking call raced against a one-second timer.
weft::coro<void> thread_beats_timer() {
  auto finished = std::make_shared<std::atomic<bool>>(false);
  auto timer = weft::create_task(check_after_a_second(finished));
  co_await weft::to_thread([] {});
  *finished = true;
  co_await timer;
}

weft::sim::explore_options options(std::uint64_t runs, std::uint64_t seed = 1) {
  weft::sim::explore_options o;
  o.runs = runs;
  o.seed = seed;
  return o;
}

TEST(SimThreadsTest, FifoRunsTheThreadsAsIfTheyTookNoTime) {
  // The empty schedule: every decision FIFO, so each job's work arrives at
  // once, oldest job first.
  const std::string fifo = weft::sim::encode_token({});
  const weft::sim::run_result lookups = weft::sim::replay(lookups_in_order, fifo);
  EXPECT_FALSE(lookups.failed);
  EXPECT_EQ(lookups.trace, (std::vector<std::string>{"order ab"}));
  const weft::sim::run_result timer = weft::sim::replay(thread_beats_timer, fifo);
  EXPECT_FALSE(timer.failed);
  EXPECT_EQ(timer.trace, (std::vector<std::string>{"thread first"}));
}

TEST(SimThreadsTest, RandomFindsTheOrderOfThreadResultsShrinksAndReplaysIt) {
  const weft::sim::report r = weft::sim::explore(lookups_in_order, options(200));
  ASSERT_TRUE(r.first_failure) << "the random walk never delivered b's result first";
  const weft::sim::failure_report& f = *r.first_failure;
  EXPECT_NE(f.failed.message().find("*order == \"ab\""), std::string::npos) << f.failed.message();
  EXPECT_EQ(f.shrunk_trace, (std::vector<std::string>{"order ba"}));
  bool thread_decision = false;
  for (const weft::sim::decision& d : f.shrunk.decisions)
    thread_decision = thread_decision || (d.kind == weft::sim::decision_kind::thread && d.choice != 0);
  EXPECT_TRUE(thread_decision) << "the shrunk schedule should deliver job 2 before job 1";
  // The token replays the failure, every time.
  const std::string token = weft::sim::encode_token(f.shrunk);
  for (int i = 0; i < 5; ++i) {
    const weft::sim::run_result again = weft::sim::replay(lookups_in_order, token);
    ASSERT_TRUE(again.failed);
    EXPECT_EQ(again.trace, f.shrunk_trace);
  }
}

TEST(SimThreadsTest, ASimulatedThreadCanTakeLongerThanATimer) {
  const weft::sim::report r = weft::sim::explore(thread_beats_timer, options(200));
  ASSERT_TRUE(r.first_failure) << "the thread's end was never delivered after the timer";
  EXPECT_EQ(r.first_failure->shrunk_trace, (std::vector<std::string>{"timer first"}));
}

TEST(SimThreadsTest, TheSameSeedGivesTheSameExploration) {
  const weft::sim::report a = weft::sim::explore(lookups_in_order, options(100, 7));
  const weft::sim::report b = weft::sim::explore(lookups_in_order, options(100, 7));
  EXPECT_EQ(a.failures, b.failures);
  EXPECT_EQ(a.trace_hashes, b.trace_hashes);
  ASSERT_TRUE(a.first_failure && b.first_failure);
  EXPECT_EQ(a.first_failure->run, b.first_failure->run);
  EXPECT_EQ(a.first_failure->found, b.first_failure->found);
}

TEST(SimThreadsTest, AJobWaitingOnTheLoopThroughAConcurrentFutureDoesNotStallTheSimulator) {
  auto body = []() -> weft::coro<void> {
    weft::event_loop& loop = weft::get_running_loop();
    const int got = co_await weft::to_thread([&loop] {
      return weft::run_coroutine_threadsafe(
                 []() -> weft::coro<int> {
                   co_await weft::sleep(2s);
                   co_return 20;
                 }(),
                 loop)
                 .result() +
             1;
    });
    WEFT_CHECK(got == 21);
  };
  const weft::sim::report r = weft::sim::explore(body, options(50));
  EXPECT_EQ(r.runs, 50u);
  EXPECT_EQ(r.failures, 0u) << (r.first_failure ? r.first_failure->failed.message() : "");
}

}  // namespace
