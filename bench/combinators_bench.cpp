// weft_combinators_bench: gather, TaskGroup, Queue, Lock, wait_for and timeout
// (bench/README.md). Each iteration runs one small workload on a fresh loop;
// items are children, queue items, lock acquisitions or scopes entered.

#include <chrono>
#include <cstdint>
#include <vector>

#include "support.hpp"

namespace {

using weft_bench::check;
using weft_bench::config;

constexpr int kChildren = 1000;
constexpr std::int64_t kChildrenSum = std::int64_t{kChildren} * (kChildren - 1) / 2;

weft::coro<int> returns_at_once(int v) { co_return v; }

weft::coro<int> yields_once(int v) {
  co_await weft::sleep(weft::duration::zero());
  co_return v;
}

// ---- gather over 1000 children that each yield once ------------------------------

weft::coro<std::int64_t> gather_children(int n) {
  std::vector<weft::coro<int>> children;
  children.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) children.push_back(yields_once(i));
  auto g = weft::gather(std::move(children));  // wraps each coroutine in a task
  const std::vector<int> results = co_await g;
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i] == static_cast<int>(i)) sum += results[i];  // in argument order
  co_return sum;
}

/// gather of 1000 coroutines that each yield once; an item is one child.
void gather_yielding_children(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::int64_t sum = weft_bench::run(c, gather_children(kChildren), run++);
    if (!check(state, sum == kChildrenSum, "gather_yielding_children: wrong or misordered results")) break;
  }
  state.SetItemsProcessed(state.iterations() * kChildren);
}
WEFT_BENCH_ALL_CONFIGS(gather_yielding_children);

// ---- TaskGroup fan-out: 1000 children that each yield once ------------------------

weft::coro<void> add_after_yield(std::int64_t& sum, int v) {
  co_await weft::sleep(weft::duration::zero());
  sum += v;
}

weft::coro<std::int64_t> task_group_children(int n) {
  std::int64_t sum = 0;
  weft::task_group tg;
  auto body = [&sum, n](weft::task_group& g) -> weft::coro<void> {
    for (int i = 0; i < n; ++i) {
      auto child = add_after_yield(sum, i);
      (void)g.create_task(std::move(child));
    }
    co_return;
  };
  auto r = tg.run(body);
  co_await r;
  co_return sum;
}

/// A task_group creating 1000 children that each yield once, exited when all are done.
void task_group_fan_out(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::int64_t sum = weft_bench::run(c, task_group_children(kChildren), run++);
    if (!check(state, sum == kChildrenSum, "task_group_fan_out: a child did not finish")) break;
  }
  state.SetItemsProcessed(state.iterations() * kChildren);
}
WEFT_BENCH_ALL_CONFIGS(task_group_fan_out);

// ---- Queue producer/consumer: 10,000 items through maxsize 64 ---------------------

constexpr int kItems = 10'000;

weft::coro<void> producer(weft::queue<int>& q, int n) {
  for (int i = 0; i < n; ++i) {
    auto put = q.put(i);
    co_await put;
  }
}

weft::coro<void> consumer(weft::queue<int>& q, int n, int& in_order) {
  for (int i = 0; i < n; ++i) {
    auto get = q.get();
    const int v = co_await get;
    if (v == i) ++in_order;
  }
}

weft::coro<int> produce_consume(int n) {
  weft::queue<int> q(64);
  int in_order = 0;
  auto pc = producer(q, n);
  auto p = weft::create_task(std::move(pc));
  auto cc = consumer(q, n, in_order);
  auto k = weft::create_task(std::move(cc));
  co_await p;
  co_await k;
  co_return in_order;
}

/// One producer and one consumer task passing 10,000 ints through a queue<int>(64).
void queue_producer_consumer(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const int in_order = weft_bench::run(c, produce_consume(kItems), run++);
    if (!check(state, in_order == kItems, "queue_producer_consumer: an item was lost or reordered")) break;
  }
  state.SetItemsProcessed(state.iterations() * kItems);
}
WEFT_BENCH_ALL_CONFIGS(queue_producer_consumer);

// ---- Lock hand-off: two tasks x 5000 (acquire, sleep(0), release) -----------------

constexpr int kRounds = 5000;

struct lock_state {
  weft::lock lk;
  bool held = false;
  int acquisitions = 0;
  int overlaps = 0;  // acquired while the other held it: must stay 0
  int waits = 0;     // acquisitions that suspended
};

weft::coro<void> lock_user(lock_state& s, int n) {
  weft::event_loop& loop = weft::get_running_loop();
  for (int i = 0; i < n; ++i) {
    const std::uint64_t before = loop.iterations();
    auto acquire = s.lk.acquire();
    co_await acquire;
    if (loop.iterations() != before) ++s.waits;
    if (s.held) ++s.overlaps;
    s.held = true;
    ++s.acquisitions;
    co_await weft::sleep(weft::duration::zero());
    s.held = false;
    s.lk.release();
  }
}

struct lock_result {
  int acquisitions, overlaps, waits;
};

weft::coro<lock_result> lock_hand_offs(int n) {
  lock_state s;
  auto ca = lock_user(s, n);
  auto a = weft::create_task(std::move(ca));
  auto cb = lock_user(s, n);
  auto b = weft::create_task(std::move(cb));
  co_await a;
  co_await b;
  co_return lock_result{s.acquisitions, s.overlaps, s.waits};
}

/// Two tasks alternating on a lock held across a sleep(0); an item is one acquisition.
void lock_hand_off(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  double waits = 0;
  for (auto _ : state) {
    const lock_result r = weft_bench::run(c, lock_hand_offs(kRounds), run++);
    if (!check(state, r.acquisitions == 2 * kRounds && r.overlaps == 0, "lock_hand_off: lost or overlapping acquisitions"))
      break;
    // In asyncio's order every acquire but the very first waits for the other task.
    if (c != config::sim_random && !check(state, r.waits == 2 * kRounds - 1, "lock_hand_off: an acquire did not wait"))
      break;
    waits += r.waits;
  }
  state.SetItemsProcessed(state.iterations() * 2 * kRounds);
  state.counters["waited"] = benchmark::Counter(waits / (2.0 * kRounds), benchmark::Counter::kAvgIterations);
}
WEFT_BENCH_ALL_CONFIGS(lock_hand_off);

// ---- wait_for enter+exit: 1000 x wait_for(returns at once, 1 s) -------------------

weft::coro<std::int64_t> wait_for_many(int n) {
  std::int64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    auto body = returns_at_once(i);
    auto w = weft::wait_for(std::move(body), weft::duration(std::chrono::seconds(1)));
    const int v = co_await w;
    sum += v;
  }
  co_return sum;
}

/// wait_for with a 1 s timeout of a coroutine that returns at once (runs in the caller's task).
void wait_for_enter_exit(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::int64_t sum = weft_bench::run(c, wait_for_many(kChildren), run++);
    if (!check(state, sum == kChildrenSum, "wait_for_enter_exit: wrong sum")) break;
  }
  state.SetItemsProcessed(state.iterations() * kChildren);
}
WEFT_BENCH_ALL_CONFIGS(wait_for_enter_exit);

// ---- timeout enter+exit: 1000 x timeout(1 s, body returning at once) --------------

weft::coro<std::int64_t> timeouts(int n) {
  std::int64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    auto body = [i] { return returns_at_once(i); };
    auto t = weft::timeout(weft::duration(std::chrono::seconds(1)), body);
    const int v = co_await t;
    sum += v;
  }
  co_return sum;
}

/// An `async with timeout(1 s)` scope around a body that returns at once.
void timeout_enter_exit(benchmark::State& state, config c) {
  std::uint64_t run = 0;
  for (auto _ : state) {
    const std::int64_t sum = weft_bench::run(c, timeouts(kChildren), run++);
    if (!check(state, sum == kChildrenSum, "timeout_enter_exit: wrong sum")) break;
  }
  state.SetItemsProcessed(state.iterations() * kChildren);
}
WEFT_BENCH_ALL_CONFIGS(timeout_enter_exit);

}  // namespace
