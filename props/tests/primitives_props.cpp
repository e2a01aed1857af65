// The synchronisation primitives' guarantees (asyncio/locks.py, queues.py),
// with tasks arriving and working for generated numbers of steps under
// generated schedules.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <weft/props/prop.hpp>
#include <weft/weft.hpp>

namespace {

using namespace std::chrono_literals;

/// Waits `ticks` seconds of virtual time; 0 is one bare yield.
weft::coro<void> pause(std::uint8_t ticks) { co_await weft::sleep((ticks % 3) * 1s); }

/// How many tasks are inside a section now, and the most there ever were.
struct occupancy {
  int now = 0, most = 0;
  void enter() { most = std::max(most, ++now); }
  void leave() { --now; }
};

weft::coro<void> locked_section(weft::lock& l, occupancy& in, std::uint8_t arrive, std::uint8_t work) {
  co_await pause(arrive);
  auto held = co_await weft::scoped(l);
  in.enter();
  co_await pause(work);
  in.leave();
}

// Lock: at most one task holds it at a time.
WEFT_PROP(PrimitivesProps, LockGivesMutualExclusion, (const std::vector<std::pair<std::uint8_t, std::uint8_t>>& tasks)) {
  weft::lock l;
  occupancy in;
  std::vector<weft::task<void>> ts;
  for (auto [arrive, work] : tasks) ts.push_back(weft::create_task(locked_section(l, in, arrive, work)));
  co_await weft::gather(ts);
  RC_ASSERT(in.most <= 1);
  RC_ASSERT(!l.locked());
}

weft::coro<void> queue_for(weft::lock& l, std::vector<int>& requested, std::vector<int>& granted, int id,
                           std::uint8_t arrive) {
  co_await pause(arrive);
  requested.push_back(id);
  co_await l.acquire();
  granted.push_back(id);
  co_await weft::sleep(0s);
  l.release();
}

// Lock: waiters get the lock in the order they asked for it (FIFO), the
// first one straight away if it was free.
WEFT_PROP(PrimitivesProps, LockWakesWaitersInFifoOrder, (const std::vector<std::uint8_t>& arrivals)) {
  weft::lock l;
  std::vector<int> requested, granted;
  std::vector<weft::task<void>> ts;
  for (std::size_t i = 0; i < arrivals.size(); ++i)
    ts.push_back(weft::create_task(queue_for(l, requested, granted, static_cast<int>(i), arrivals[i])));
  co_await weft::gather(ts);
  RC_ASSERT(granted == requested);
}

weft::coro<void> admitted(weft::semaphore& s, occupancy& in, std::uint8_t arrive, std::uint8_t work) {
  co_await pause(arrive);
  co_await s.acquire();
  in.enter();
  co_await pause(work);
  in.leave();
  s.release();
}

// Semaphore(n): never more than n tasks inside, and all get in eventually.
WEFT_PROP(PrimitivesProps, SemaphoreNeverAdmitsMoreThanItsValue,
          (std::uint8_t value, const std::vector<std::pair<std::uint8_t, std::uint8_t>>& tasks)) {
  const int n = 1 + value % 3;
  weft::semaphore s(n);
  occupancy in;
  std::vector<weft::task<void>> ts;
  for (auto [arrive, work] : tasks) ts.push_back(weft::create_task(admitted(s, in, arrive, work)));
  co_await weft::gather(ts);
  RC_ASSERT(in.most <= n);
  RC_ASSERT(!s.locked());
}

weft::coro<void> produce(weft::queue<std::pair<int, int>>& q, int producer, int items, std::uint8_t pace) {
  for (int i = 0; i < items; ++i) {
    co_await q.put({producer, i});
    co_await pause(pace);
  }
}

weft::coro<void> consume(weft::queue<std::pair<int, int>>& q, std::vector<std::pair<int, int>>& got, int items) {
  for (int i = 0; i < items; ++i) got.push_back(co_await q.get());
}

// Queue: every item put is got exactly once, and each producer's items come
// out in the order it put them (bounded queue, several producers).
WEFT_PROP(PrimitivesProps, QueueLosesNothingAndKeepsEachProducersOrder,
          (std::uint8_t maxsize, const std::vector<std::pair<std::uint8_t, std::uint8_t>>& producers)) {
  weft::queue<std::pair<int, int>> q(maxsize % 4);
  std::vector<std::pair<int, int>> got;
  int total = 0;
  std::vector<weft::task<void>> ts;
  for (std::size_t p = 0; p < producers.size(); ++p) {
    const int items = producers[p].first % 5;
    total += items;
    ts.push_back(weft::create_task(produce(q, static_cast<int>(p), items, producers[p].second)));
  }
  ts.push_back(weft::create_task(consume(q, got, total)));
  co_await weft::gather(ts);
  RC_ASSERT(static_cast<int>(got.size()) == total);
  std::map<int, int> next;  // producer -> the item expected next
  for (auto [producer, item] : got) RC_ASSERT(item == next[producer]++);
  RC_ASSERT(q.empty());
}

weft::coro<void> get_one(weft::queue<int>& q, std::vector<int>& got) { got.push_back(co_await q.get()); }

weft::coro<void> cancel_at(weft::task<void> t, std::uint8_t at) {
  co_await pause(at);
  t.cancel();
}

// Queue: a getter cancelled while it waits (even just after being woken)
// takes nothing away; every item put is either got or still in the queue.
WEFT_PROP(PrimitivesProps, CancelledGettersLoseNothing,
          (const std::vector<std::uint8_t>& puts, const std::vector<std::uint8_t>& cancels)) {
  weft::queue<int> q;
  std::vector<int> got;
  std::vector<weft::task<void>> getters;
  const std::size_t n = std::max(puts.size(), cancels.size());
  for (std::size_t i = 0; i < n; ++i) getters.push_back(weft::create_task(get_one(q, got)));
  std::vector<weft::task<void>> others;
  for (std::size_t i = 0; i < cancels.size(); ++i) others.push_back(weft::create_task(cancel_at(getters[i], cancels[i])));
  for (std::size_t i = 0; i < puts.size(); ++i) {
    co_await pause(puts[i]);
    q.put_nowait(static_cast<int>(i));
  }
  co_await weft::gather(others);
  co_await weft::gather(weft::return_exceptions, getters);
  std::vector<int> all = got;
  while (!q.empty()) all.push_back(q.get_nowait());
  std::sort(all.begin(), all.end());
  std::vector<int> want(puts.size());
  for (std::size_t i = 0; i < want.size(); ++i) want[i] = static_cast<int>(i);
  RC_ASSERT(all == want);
}

weft::coro<void> wait_for_event(weft::event& e, int& woken, std::uint8_t arrive) {
  co_await pause(arrive);
  co_await e.wait();
  ++woken;
}

// Event.set wakes every task waiting on it, whenever each began to wait.
WEFT_PROP(PrimitivesProps, EventSetWakesEveryWaiter, (const std::vector<std::uint8_t>& arrivals, std::uint8_t set_at)) {
  weft::event e;
  int woken = 0;
  std::vector<weft::task<void>> ts;
  for (auto a : arrivals) ts.push_back(weft::create_task(wait_for_event(e, woken, a)));
  co_await pause(set_at);
  e.set();
  co_await weft::gather(ts);
  RC_ASSERT(woken == static_cast<int>(arrivals.size()));
  RC_ASSERT(e.is_set());
}

weft::coro<void> wait_on_condition(weft::condition& c, int& woken) {
  auto held = co_await weft::scoped(c);
  co_await c.wait();
  ++woken;
}

// Condition.notify(n) wakes at most n waiters (exactly min(n, waiting)).
WEFT_PROP(PrimitivesProps, ConditionNotifyWakesAtMostN, (std::uint8_t waiters, std::uint8_t n)) {
  weft::condition c;
  int woken = 0;
  const int w = waiters % 6, k = n % 4;
  std::vector<weft::task<void>> ts;
  for (int i = 0; i < w; ++i) ts.push_back(weft::create_task(wait_on_condition(c, woken)));
  for (int i = 0; i < 3; ++i) co_await weft::sleep(0s);  // let them all wait
  {
    auto held = co_await weft::scoped(c);
    c.notify(static_cast<std::size_t>(k));
  }
  for (int i = 0; i < 3 * (w + 1); ++i) co_await weft::sleep(0s);
  RC_ASSERT(woken == std::min(w, k));
  for (auto& t : ts) t.cancel();
  co_await weft::gather(weft::return_exceptions, ts);
}

weft::coro<void> at_barrier(weft::barrier& b, std::vector<weft::time_point>& passed, std::uint8_t arrive) {
  co_await pause(arrive);
  co_await b.wait();
  passed.push_back(weft::get_running_loop().time());
}

// Barrier(n): nobody passes before the last party arrives, and then all do,
// together (at the same instant).
WEFT_PROP(PrimitivesProps, BarrierReleasesAllPartiesTogether, (const std::vector<std::uint8_t>& arrivals)) {
  RC_PRE(!arrivals.empty());
  weft::barrier b(arrivals.size());
  std::vector<weft::time_point> passed;
  std::vector<weft::task<void>> ts;
  for (auto a : arrivals) ts.push_back(weft::create_task(at_barrier(b, passed, a)));
  co_await weft::gather(ts);
  const std::uint8_t last = *std::max_element(arrivals.begin(), arrivals.end(),
                                              [](auto x, auto y) { return x % 3 < y % 3; });
  RC_ASSERT(passed.size() == arrivals.size());
  for (auto t : passed) RC_ASSERT(t == weft::time_point((last % 3) * 1s));
}

}  // namespace
