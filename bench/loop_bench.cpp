// weft_loop_bench: the event loop's hot path (bench/README.md). Each
// iteration runs one small workload on a fresh loop; items are the workload's
// operations (callbacks, tasks, yields, timers, cancellations).

#include <chrono>
#include <cstdint>
#include <vector>

#include "peers/workloads.hpp"
#include "support.hpp"

namespace {

using weft_bench::check;
using weft_bench::config;

// ---- call_soon dispatch: 100 self-rescheduling chains x 100 callbacks --------

constexpr int kChains = 100;
constexpr int kLinks = 100;

struct chain_state {
  weft::event_loop* loop;
  weft::future<void> done;
  std::uint64_t ran = 0;
  int chains_left = kChains;
};

struct chain_link {
  chain_state* s;
  int left;
  void operator()() const {
    ++s->ran;
    if (left > 1)
      s->loop->call_soon(chain_link{s, left - 1});
    else if (--s->chains_left == 0)
      s->done.set_result();
  }
};

weft::coro<std::uint64_t> call_soon_chains() {
  chain_state s{&weft::get_running_loop(), {}};
  s.done = s.loop->create_future<void>();
  for (int i = 0; i < kChains; ++i) s.loop->call_soon(chain_link{&s, kLinks});
  co_await s.done;
  co_return s.ran;
}

/// Dispatch of call_soon callbacks that each schedule the next.
void call_soon_dispatch(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::uint64_t ran = weft_bench::run(c, call_soon_chains(), run++);
    if (!check(state, ran == kChains * kLinks, "call_soon_dispatch: wrong number of callbacks")) break;
  }
  state.SetItemsProcessed(state.iterations() * kChains * kLinks);
}
WEFT_BENCH_ALL_CONFIGS(call_soon_dispatch);

// ---- create_task + completion: 1000 tasks returning at once ---------------------

constexpr int kTasks = 1000;

weft::coro<int> returns_at_once(int v) { co_return v; }

weft::coro<std::int64_t> create_then_await(int n) {
  std::vector<weft::task<int>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto c = returns_at_once(i);
    tasks.push_back(weft::create_task(std::move(c)));
  }
  std::int64_t sum = 0;
  for (auto& t : tasks) {
    const int v = co_await t;
    sum += v;
  }
  co_return sum;
}

/// create_task of 1000 coroutines that return at once, then awaiting each in turn.
void create_task_and_await(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::int64_t sum = weft_bench::run(c, create_then_await(kTasks), run++);
    if (!check(state, sum == std::int64_t{kTasks} * (kTasks - 1) / 2, "create_task_and_await: wrong sum")) break;
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
}
WEFT_BENCH_ALL_CONFIGS(create_task_and_await);

// ---- sleep(0) ping-pong: two tasks x 5000 yields --------------------------------

constexpr int kYields = 5000;

weft::coro<void> yielder(int n, std::uint64_t& count) {
  for (int i = 0; i < n; ++i) {
    co_await weft::sleep(weft::duration::zero());
    ++count;
  }
}

weft::coro<std::uint64_t> ping_pong(int n) {
  std::uint64_t count = 0;
  auto ca = yielder(n, count);
  auto a = weft::create_task(std::move(ca));
  auto cb = yielder(n, count);
  auto b = weft::create_task(std::move(cb));
  co_await a;
  co_await b;
  co_return count;
}

/// Two tasks taking turns with sleep(0); an item is one yield.
void sleep0_ping_pong(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::uint64_t yields = weft_bench::run(c, ping_pong(kYields), run++);
    if (!check(state, yields == 2 * kYields, "sleep0_ping_pong: wrong number of yields")) break;
  }
  state.SetItemsProcessed(state.iterations() * 2 * kYields);
}
WEFT_BENCH_ALL_CONFIGS(sleep0_ping_pong);

// ---- timer schedule + fire: 10,000 call_at timers over [0, 1 s) ----------------

constexpr std::uint64_t kTimers = 10'000;

struct timer_state {
  weft::event_loop* loop;
  weft::future<void> done;
  std::uint64_t fired = 0;
  std::uint64_t off_time = 0;  // fired at another time than scheduled
};

weft::coro<std::uint64_t> fire_timers(std::uint64_t n) {
  timer_state s{&weft::get_running_loop(), {}};
  s.done = s.loop->create_future<void>();
  const weft::time_point start = s.loop->time();
  for (std::uint64_t i = 0; i < n; ++i) {
    // Out of order, as bench/peers' W4: the heap does real work.
    const weft::time_point when = start + weft::duration(peers::timer_offset_ns(i));
    s.loop->call_at(when, [p = &s, when, n] {
      if (p->loop->time() != when) ++p->off_time;
      if (++p->fired == n) p->done.set_result();
    });
  }
  co_await s.done;
  co_return s.off_time == 0 ? s.fired : 0;
}

/// call_at of 10,000 timers at scattered deadlines, all fired (virtual clock).
void timer_schedule_and_fire(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::uint64_t fired = weft_bench::run(c, fire_timers(kTimers), run++);
    if (!check(state, fired == kTimers, "timer_schedule_and_fire: a timer was lost or fired off time")) break;
  }
  state.SetItemsProcessed(state.iterations() * kTimers);
}
WEFT_BENCH_ALL_CONFIGS(timer_schedule_and_fire);

// ---- cancellation of a waiting task: 1000 per iteration --------------------------

constexpr int kCancels = 1000;

/// n times: create a task of `make()`, let it start waiting, cancel it and
/// await it catching cancelled_error. Returns how many ended cancelled.
template <class Make>
weft::coro<int> cancel_each(int n, Make make) {
  int cancelled = 0;
  for (int i = 0; i < n; ++i) {
    auto c = make();
    auto t = weft::create_task(std::move(c));
    co_await weft::sleep(weft::duration::zero());  // let it start waiting
    t.cancel();
    try {
      co_await t;
    } catch (const weft::cancelled_error&) {
      ++cancelled;
    }
  }
  co_return cancelled;
}

/// Runs `body(kCancels)` per iteration; it must cancel every task.
void run_cancellations(benchmark::State& state, config c, weft::coro<int> (*body)(int), const char* lost) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const int cancelled = weft_bench::run(c, body(kCancels), run++);
    if (!check(state, cancelled == kCancels, lost)) break;
  }
  state.SetItemsProcessed(state.iterations() * kCancels);
}

weft::coro<void> sleeps_an_hour() { co_await weft::sleep(std::chrono::hours(1)); }

weft::coro<int> cancel_sleepers(int n) { return cancel_each(n, sleeps_an_hour); }

/// create_task, start, cancel and await (catching cancelled_error) of a task sleeping 1 h.
void cancel_sleeping_task(benchmark::State& state, config c) {
  run_cancellations(state, c, cancel_sleepers, "cancel_sleeping_task: a task was not cancelled");
}
WEFT_BENCH_ALL_CONFIGS(cancel_sleeping_task);

weft::coro<void> waits_for(weft::lock& l) { co_await l.acquire(); }

weft::coro<int> cancel_lock_waiters(int n) {
  weft::lock l;
  co_await l.acquire();  // held throughout: every waiter is cancelled while it waits
  auto each = cancel_each(n, [&l] { return waits_for(l); });
  const int cancelled = co_await std::move(each);
  l.release();
  co_return cancelled;
}

/// The same of a task waiting in Lock.acquire() inside a coroutine it awaits:
/// the cancellation passes through the lock's own coroutine.
void cancel_lock_waiter(benchmark::State& state, config c) {
  run_cancellations(state, c, cancel_lock_waiters, "cancel_lock_waiter: a task was not cancelled");
}
WEFT_BENCH_ALL_CONFIGS(cancel_lock_waiter);

}  // namespace
