// The hot path allocates nothing once the loop is warm (nodes, frames and
// task states are reused): a yield, a call_soon callback, a task created and
// awaited, a timer.
// This file replaces the global operator new/delete with counting versions;
// each test warms the loop up, then counts the allocations of 10000 more
// rounds and expects exactly 0.
//
// To see where an unexpected allocation comes from, run the test with
// WEFT_ALLOC_BACKTRACE=1: every counted allocation prints a backtrace.
//
// Under AddressSanitizer weft's frame pool is off (WEFT_NO_POOL): coroutine
// frames and future/task states then come from operator new by design, and
// the tests that need them pooled skip.

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#if __has_include(<execinfo.h>)
#include <execinfo.h>
#define WEFT_TEST_HAS_BACKTRACE 1
#endif

#include <weft/detail/frame_pool.hpp>

#include "reference.hpp"

using namespace std::chrono_literals;

namespace alloc_count {
// Single-threaded test: plain globals.
bool counting = false;
bool backtraces = false;
std::size_t allocations = 0;

void on_allocation(std::size_t n) noexcept {
  if (!counting) return;
  ++allocations;
#ifdef WEFT_TEST_HAS_BACKTRACE
  if (backtraces) {
    counting = false;  // backtrace() may allocate the first time
    std::fprintf(stderr, "counted allocation of %zu bytes:\n", n);
    void* frames[32];
    int depth = backtrace(frames, 32);
    backtrace_symbols_fd(frames, depth, 2);
    counting = true;
  }
#else
  (void)n;
#endif
}

void* allocate(std::size_t n) {
  on_allocation(n);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}

void* allocate_aligned(std::size_t n, std::align_val_t al) {
  on_allocation(n);
  std::size_t a = static_cast<std::size_t>(al);
  if (a < sizeof(void*)) a = sizeof(void*);
  void* p = nullptr;
  if (posix_memalign(&p, a, n ? n : 1) != 0) throw std::bad_alloc();
  return p;
}
}  // namespace alloc_count

// The replaceable global allocation functions ([new.delete]).
void* operator new(std::size_t n) { return alloc_count::allocate(n); }
void* operator new[](std::size_t n) { return alloc_count::allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return alloc_count::allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return alloc_count::allocate(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) { return alloc_count::allocate_aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_count::allocate_aligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

constexpr int kWarmUp = 1000;
constexpr int kRounds = 10000;

/// Counts the allocations between start() and stop().
struct counter {
  static void start() {
    alloc_count::backtraces = std::getenv("WEFT_ALLOC_BACKTRACE") != nullptr;
    alloc_count::allocations = 0;
    alloc_count::counting = true;
  }
  static std::size_t stop() {
    alloc_count::counting = false;
    return alloc_count::allocations;
  }
};

#ifdef WEFT_NO_POOL
#define WEFT_SKIP_WITHOUT_POOL()                                                                          \
  GTEST_SKIP() << "weft's frame pool is off under AddressSanitizer (WEFT_NO_POOL): frames and task/future " \
                  "states come from operator new by design"
#else
#define WEFT_SKIP_WITHOUT_POOL() (void)0
#endif

TEST(AllocTest, CounterSeesAllocations) {
  // The counting operator new is really in use: otherwise every 0 below
  // would prove nothing.
  counter::start();
  auto p = std::make_unique<int>(1);
  std::string s(100, 'x');
  auto v = std::make_unique<int[]>(3);
  const std::size_t n = counter::stop();
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(*p + s.size() + static_cast<std::size_t>(v[2]), 101u);
}

// ---- sleep(0) ping-pong ---------------------------------------------------------

struct ping_pong_result {
  std::size_t allocations = 0;
  int steps = 0;
};

weft::coro<void> spin(int rounds, bool measure, ping_pong_result& r) {
  for (int i = 0; i < rounds; ++i) {
    if (measure && i == kWarmUp) counter::start();
    co_await weft::sleep(0s);
    ++r.steps;
  }
  if (measure) r.allocations = counter::stop();
}

TEST(AllocTest, SleepZeroPingPongAllocatesNothing) {
  ping_pong_result r;
  auto main_coro = [&]() -> weft::coro<void> {
    auto a = weft::create_task(spin(kWarmUp + kRounds, true, r));
    auto b = weft::create_task(spin(kWarmUp + kRounds, false, r));
    co_await a;
    co_await b;
  };
  weft_test::run_virtual(main_coro());
  EXPECT_EQ(r.steps, 2 * (kWarmUp + kRounds));
  EXPECT_EQ(r.allocations, 0u) << "allocations in " << kRounds << " rounds of two tasks doing sleep(0)";
}

// ---- call_soon chain ------------------------------------------------------------

struct chain_state {
  weft::event_loop* loop;
  weft::future<void> done;
  int step = 0;
  std::size_t allocations = 0;
};

void chain_step(chain_state* s) {
  if (s->step == kWarmUp) counter::start();
  if (++s->step == kWarmUp + kRounds) {
    s->allocations = counter::stop();
    s->done.set_result();
    return;
  }
  s->loop->call_soon([s] { chain_step(s); });
}

TEST(AllocTest, CallSoonChainAllocatesNothing) {
  chain_state s{};
  auto main_coro = [&]() -> weft::coro<void> {
    s.loop = &weft::get_running_loop();
    s.done = s.loop->create_future<void>();
    s.loop->call_soon([p = &s] { chain_step(p); });
    co_await s.done;
  };
  weft_test::run_virtual(main_coro());
  EXPECT_EQ(s.step, kWarmUp + kRounds);
  EXPECT_EQ(s.allocations, 0u) << "allocations in " << kRounds << " call_soon callbacks";
}

TEST(AllocTest, CallSoonBurstAllocatesNothing) {
  // Many callbacks ready in one iteration: the ready queue keeps its capacity
  // and the callback nodes are reused.
  auto main_coro = []() -> weft::coro<std::size_t> {
    weft::event_loop& loop = weft::get_running_loop();
    int ran = 0;
    std::size_t allocs = 0;
    for (int round = 0; round < 20; ++round) {
      if (round == 10) counter::start();
      for (int i = 0; i < 500; ++i) loop.call_soon([&ran] { ++ran; });
      co_await weft::sleep(0s);
    }
    allocs = counter::stop();
    if (ran != 20 * 500) co_return 999999;
    co_return allocs;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 0u);
}

// ---- create_task + await --------------------------------------------------------

weft::coro<int> immediate(int i) { co_return i; }

/// Creates and awaits kWarmUp + kRounds tasks, started eagerly or not; the
/// allocations of the last kRounds (999999 if the tasks' results were wrong).
weft::coro<std::size_t> create_and_await_tasks(bool eager) {
  long long sum = 0;
  for (int i = 0; i < kWarmUp + kRounds; ++i) {
    if (i == kWarmUp) counter::start();
    auto t = weft::create_task(immediate(i), {.eager_start = eager});
    sum += co_await t;
  }
  std::size_t allocs = counter::stop();
  const long long n = kWarmUp + kRounds;
  if (sum != n * (n - 1) / 2) co_return 999999;
  co_return allocs;
}

TEST(AllocTest, CreateAndAwaitTaskAllocatesNothing) {
  WEFT_SKIP_WITHOUT_POOL();
  EXPECT_EQ(weft_test::run_virtual(create_and_await_tasks(false)), 0u)
      << "allocations in " << kRounds << " create_task + await";
}

TEST(AllocTest, EagerTaskAllocatesNothing) {
  WEFT_SKIP_WITHOUT_POOL();
  EXPECT_EQ(weft_test::run_virtual(create_and_await_tasks(true)), 0u) << "allocations in " << kRounds << " eager tasks";
}

TEST(AllocTest, ManyConcurrentTasksAllocateNothing) {
  // Batches of 50 tasks alive together, each yielding once: the pool serves
  // a batch once it has seen one.
  WEFT_SKIP_WITHOUT_POOL();
  auto worker = [](int i) -> weft::coro<int> {
    co_await weft::sleep(0s);
    co_return i;
  };
  auto main_coro = [&]() -> weft::coro<std::size_t> {
    constexpr int batch = 50;
    std::vector<weft::task<int>> tasks;
    tasks.reserve(batch);
    int sum = 0;
    for (int round = 0; round < 200; ++round) {
      if (round == 20) counter::start();
      for (int i = 0; i < batch; ++i) tasks.push_back(weft::create_task(worker(i)));
      for (auto& t : tasks) sum += co_await t;
      tasks.clear();
    }
    std::size_t allocs = counter::stop();
    if (sum != 200 * (batch * (batch - 1) / 2)) co_return 999999;
    co_return allocs;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 0u);
}

// ---- timers -----------------------------------------------------------------

TEST(AllocTest, SleepTimerLoopAllocatesNothing) {
  WEFT_SKIP_WITHOUT_POOL();
  auto main_coro = []() -> weft::coro<std::size_t> {
    weft::event_loop& loop = weft::get_running_loop();
    for (int i = 0; i < kWarmUp + kRounds; ++i) {
      if (i == kWarmUp) counter::start();
      co_await weft::sleep(1ms);
    }
    std::size_t allocs = counter::stop();
    if (loop.time() != weft::time_point(std::chrono::milliseconds(kWarmUp + kRounds))) co_return 999999;
    co_return allocs;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 0u) << "allocations in " << kRounds << " sleep(1ms)";
}

TEST(AllocTest, InterleavedTimersAllocateNothing) {
  // Three tasks on different periods keep several timers in the heap at once.
  WEFT_SKIP_WITHOUT_POOL();
  std::size_t allocs = 0;
  int wakeups = 0;
  auto ticker = [&](weft::duration period, int rounds, bool measure) -> weft::coro<void> {
    for (int i = 0; i < rounds; ++i) {
      if (measure && i == kWarmUp) counter::start();
      co_await weft::sleep(period);
      ++wakeups;
    }
    if (measure) allocs = counter::stop();
  };
  auto main_coro = [&]() -> weft::coro<void> {
    // The measuring task has the shortest period and stops first.
    auto a = weft::create_task(ticker(1ms, kWarmUp + kRounds, true));
    auto b = weft::create_task(ticker(3ms, (kWarmUp + kRounds) / 3 + 10, false));
    auto c = weft::create_task(ticker(7ms, (kWarmUp + kRounds) / 7 + 10, false));
    co_await a;
    co_await b;
    co_await c;
  };
  weft_test::run_virtual(main_coro());
  EXPECT_GT(wakeups, kWarmUp + kRounds);
  EXPECT_EQ(allocs, 0u);
}

TEST(AllocTest, CallLaterChainAllocatesNothing) {
  // Timers without tasks or futures: only callback nodes, which the loop reuses.
  chain_state s{};
  struct later {
    static void step(chain_state* s) {
      if (s->step == kWarmUp) counter::start();
      if (++s->step == kWarmUp + kRounds) {
        s->allocations = counter::stop();
        s->done.set_result();
        return;
      }
      s->loop->call_later(1ms, [s] { step(s); });
    }
  };
  auto main_coro = [&]() -> weft::coro<void> {
    s.loop = &weft::get_running_loop();
    s.done = s.loop->create_future<void>();
    s.loop->call_later(1ms, [p = &s] { later::step(p); });
    co_await s.done;
  };
  weft_test::run_virtual(main_coro());
  EXPECT_EQ(s.step, kWarmUp + kRounds);
  EXPECT_EQ(s.allocations, 0u) << "allocations in " << kRounds << " call_later callbacks";
}

// ---- futures ----------------------------------------------------------------

TEST(AllocTest, FutureSetFromCallbackAllocatesNothing) {
  WEFT_SKIP_WITHOUT_POOL();
  auto main_coro = []() -> weft::coro<std::size_t> {
    weft::event_loop& loop = weft::get_running_loop();
    long long sum = 0;
    for (int i = 0; i < kWarmUp + kRounds; ++i) {
      if (i == kWarmUp) counter::start();
      weft::future<int> f = loop.create_future<int>();
      loop.call_soon([f, i] { f.set_result(i); });
      sum += co_await f;
    }
    std::size_t allocs = counter::stop();
    const long long n = kWarmUp + kRounds;
    if (sum != n * (n - 1) / 2) co_return 999999;
    co_return allocs;
  };
  EXPECT_EQ(weft_test::run_virtual(main_coro()), 0u) << "allocations in " << kRounds << " futures";
}

// ---- primitives ----------------------------------------------------------------

TEST(AllocTest, PrimitivesNobodyWaitsOnAllocateNothing) {
  // Their waiters' deque is made on the first wait (libstdc++'s deque
  // allocates 576 bytes as it is constructed). A condition allocates the lock
  // it makes for itself.
  counter::start();
  {
    weft::lock l;
    weft::event e;
    weft::semaphore s(2);
    EXPECT_FALSE(l.locked() || e.is_set() || s.locked());
  }
  EXPECT_EQ(counter::stop(), 0u);
}

}  // namespace
