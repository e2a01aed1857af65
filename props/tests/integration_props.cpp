// weft::props itself: WEFT_PROP runs a coroutine body under generated
// schedules, a racy property fails with a shrunk schedule, its race and a
// token, and the generator shrinks toward FIFO.

#include <gtest/gtest.h>

#include <weft/props/prop.hpp>

#include <string>
#include <vector>

#include <weft/weft.hpp>

namespace {

using weft::props::generated_schedule;

weft::coro<void> take(weft::queue<int>& q, std::size_t n, std::vector<int>& got) {
  for (std::size_t i = 0; i < n; ++i) got.push_back(co_await q.get());
}

// A queue hands every item over, in order, whatever the schedule.
WEFT_PROP(PropsIntegration, QueueLosesNothing, (const std::vector<int>& items)) {
  weft::queue<int> q(2);
  std::vector<int> got;
  auto consumer = weft::create_task(take(q, items.size(), got));
  for (int x : items) co_await q.put(x);
  co_await consumer;
  RC_ASSERT(got == items);
}

weft::coro<void> add_across_an_await(int& count) {
  int seen = count;
  co_await weft::sleep(std::chrono::seconds(0));
  count = seen + 1;
}

weft::coro<void> add_after_a_yield(int& count) {
  co_await weft::sleep(std::chrono::seconds(0));
  count += 1;
}

/// Two tasks add to a counter, one across an await: under FIFO the second
/// reads after the first wrote; run the other way round, an update is lost.
weft::coro<void> lost_update(int start) {
  int count = start;
  auto a = weft::create_task(add_across_an_await(count));
  auto b = weft::create_task(add_after_a_yield(count));
  co_await a;
  co_await b;
  RC_ASSERT(count == start + 2);
}

/// Runs a property as WEFT_PROP does and returns rapidcheck's result.
template <class F>
rc::detail::TestResult check(F property) {
  rc::detail::TestParams params;
  params.seed = 1;
  params.maxSuccess = 200;
  return rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
}

TEST(PropsIntegration, ARacyPropertyFailsWithItsRaceAndToken) {
  const auto result = check(weft::props::property(&lost_update, {}));
  ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << "the lost update was not found";
  const auto* failure = &result.get<rc::detail::FailureResult>();
  std::string text;
  for (const auto& [type, value] : failure->counterExample) text += type + ": " + value + "\n";
  text += failure->description;
  // Shrunk to the smallest argument and a single deviation.
  EXPECT_NE(text.find("std::tuple<int>: (0)"), std::string::npos) << text;
  EXPECT_NE(text.find("take option 1"), std::string::npos) << text;
  EXPECT_EQ(text.find(";"), std::string::npos) << "more than one deviation left:\n" << text;
  EXPECT_NE(text.find("the race"), std::string::npos) << text;
  EXPECT_NE(text.find("WEFT_REPLAY=w1."), std::string::npos) << text;
}

TEST(PropsIntegration, FifoIsWhatEveryScheduleShrinksTo) {
  // A property that fails on every schedule shrinks its schedule to FIFO.
  const auto result = check([](int) {
    const generated_schedule s = *weft::props::gen_schedule({.cancel_faults = true, .jitter_faults = true});
    (void)s;
    RC_FAIL("always");
  });
  ASSERT_TRUE(result.is<rc::detail::FailureResult>());
  const auto* failure = &result.get<rc::detail::FailureResult>();
  std::string text;
  for (const auto& [type, value] : failure->counterExample) text += type + ": " + value + "\n";
  EXPECT_NE(text.find("FIFO"), std::string::npos) << text;
}

}  // namespace
