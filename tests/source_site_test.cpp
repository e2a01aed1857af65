// weft/source_site.hpp: the await a task is suspended at, recorded by every
// co_await, and how the simulator names it in what it reports. Expected lines
// are taken with __LINE__ on the line of the await they name.

#include <gtest/gtest.h>

#include <string>

#include <weft/weft.hpp>

#include "weft/sim/sim.hpp"

using namespace std::chrono_literals;

namespace {

namespace sim = weft::sim;

std::string here(unsigned line, const char* function) {
  return "source_site_test.cpp:" + std::to_string(line) + " in " + function;
}

unsigned inner_line = 0;
unsigned outer_line = 0;

weft::coro<void> inner() {
  inner_line = __LINE__; co_await weft::sleep(1s);
}

weft::coro<void> outer() {
  outer_line = __LINE__; co_await inner();
}

TEST(SourceSiteTest, NamesTheInnermostAwaitOfTheTasksCode) {
  weft::run([]() -> weft::coro<void> {
    auto t = weft::create_task(outer());
    co_await weft::sleep(0s);
    const weft::source_site s = t.suspended_at();
    EXPECT_TRUE(s);
    EXPECT_EQ(s.line, inner_line);
    EXPECT_STREQ(s.function, "inner");
    EXPECT_EQ(t.site(), here(inner_line, "inner"));
    t.cancel();
  }());
}

unsigned acquire_line = 0;

weft::coro<void> take(weft::lock& l) {
  acquire_line = __LINE__; co_await l.acquire();
  l.release();
}

TEST(SourceSiteTest, SkipsWeftsOwnCoroutinesForTheAwaitThatCalledThem) {
  weft::run([]() -> weft::coro<void> {
    weft::lock l;
    co_await l.acquire();
    auto t = weft::create_task(take(l));
    co_await weft::sleep(0s);
    // Lock.acquire is a coroutine of weft's that awaits a future: the site
    // is the user's `co_await l.acquire()`, not the await inside it.
    EXPECT_EQ(t.site(), here(acquire_line, "take"));
    l.release();
    co_await t;
  }());
}

TEST(SourceSiteTest, EmptyBeforeTheFirstStepWhileRunningAndOnceDone) {
  weft::run([]() -> weft::coro<void> {
    auto t = weft::create_task(outer());
    EXPECT_FALSE(t.suspended_at());
    EXPECT_EQ(t.site(), "");
    EXPECT_FALSE(weft::current_task().suspended_at()) << "a running task has no await to name";
    t.cancel();
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
    }
    EXPECT_TRUE(t.done());
    EXPECT_FALSE(t.suspended_at());
  }());
}

TEST(SourceSiteTest, ALabelTakesPrecedence) {
  weft::run([]() -> weft::coro<void> {
    static unsigned line = 0;
    auto t = weft::create_task([]() -> weft::coro<void> {
      weft::set_current_site("main/2");
      line = __LINE__; co_await weft::sleep(1s);
    }());
    co_await weft::sleep(0s);
    EXPECT_EQ(t.site(), "main/2");
    EXPECT_EQ(t.suspended_at().line, line) << "the source site is still there";
    t.cancel();
  }());
}

// A lost update that FIFO order hides: `a` reads, awaits and writes back;
// `b` increments. b's increment between a's read and write loses one. Both
// await once first, so that every step the race can involve has a site.
unsigned a_lines[2];
unsigned b_lines[2];

weft::coro<void> read_then_write(std::shared_ptr<int> c) {
  a_lines[0] = __LINE__; co_await weft::sleep(0s);
  const int seen = *c;
  a_lines[1] = __LINE__; co_await weft::sleep(0s);
  *c = seen + 1;
}

weft::coro<void> increment(std::shared_ptr<int> c) {
  b_lines[0] = __LINE__; co_await weft::sleep(0s);
  b_lines[1] = __LINE__; co_await weft::sleep(0s);
  ++*c;
}

TEST(SourceSiteTest, RacesNameTheAwaits) {
  auto body = []() -> weft::coro<void> {
    auto count = std::make_shared<int>(0);
    auto a = weft::create_task(read_then_write(count), {.name = "a"});
    auto b = weft::create_task(increment(count), {.name = "b"});
    co_await a;
    co_await b;
    WEFT_CHECK(*count == 2);
  };
  const sim::report r = sim::explore(body, {.runs = 200});
  ASSERT_TRUE(r.first_failure);
  ASSERT_EQ(r.first_failure->race.size(), 1u);
  // b's step k+1 (suspended at its k-th await) ran before a's (at a's k-th).
  const sim::decision& d = r.first_failure->race[0];
  const std::size_t k = d.chosen == "b#1" ? 0 : 1;
  EXPECT_EQ(d.chosen, "b#" + std::to_string(k + 1));
  EXPECT_EQ(d.displaced, "a#" + std::to_string(k + 1));
  EXPECT_EQ(sim::describe(d), d.chosen + " (at " + here(b_lines[k], "increment") + ") ran before " + d.displaced +
                                  " (at " + here(a_lines[k], "read_then_write") + ")");
}
}  // namespace
