// weft_memory_bench: what the hot path allocates (bench/README.md). This
// executable replaces the global operator new/delete with counting versions;
// its figures are counters, its timings incidental.
//
// - Allocations per hop in steady state: the loop is warmed up first, then
//   the measured iterations are counted (sleep(0) ping-pong, a call_soon
//   chain, create_task + await, a call_at timer), under each configuration.
// - Bytes per pending task beyond its coroutine frame, with the frame pool
//   cold (see pending_task_bytes).
//
// Under AddressSanitizer weft's frame pool is off (WEFT_NO_POOL): frames and
// task states then come from operator new on every hop, so the figures differ.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "support.hpp"

namespace alloc_count {
// Only one thread allocates while counting is on: plain globals.
bool counting = false;
std::size_t allocations = 0;
std::size_t bytes = 0;  // allocated while counting
std::size_t live = 0;   // allocated minus freed while counting (blocks allocated while counting)

// Each block carries its size (and whether it was counted) in a header, so
// operator delete knows what it frees.
struct header {
  std::size_t size;
  std::size_t counted;
};
constexpr std::size_t kHeader = 16;  // keeps malloc's 16-byte alignment
static_assert(sizeof(header) == kHeader);

void* allocate(std::size_t n, std::size_t align) {
  const std::size_t pad = align > kHeader ? align : kHeader;
  void* base = nullptr;
  if (posix_memalign(&base, pad > alignof(std::max_align_t) ? pad : alignof(std::max_align_t), pad + n) != 0)
    throw std::bad_alloc();
  auto* user = static_cast<unsigned char*>(base) + pad;
  auto* h = reinterpret_cast<header*>(user - kHeader);
  h->size = n;
  h->counted = counting;
  if (counting) {
    ++allocations;
    bytes += n;
    live += n;
  }
  return user;
}

void deallocate(void* p, std::size_t align) noexcept {
  if (!p) return;
  const std::size_t pad = align > kHeader ? align : kHeader;
  auto* user = static_cast<unsigned char*>(p);
  auto* h = reinterpret_cast<header*>(user - kHeader);
  if (h->counted && counting) live -= h->size;
  std::free(user - pad);
}

void start() {
  allocations = bytes = live = 0;
  counting = true;
}
void stop() { counting = false; }
}  // namespace alloc_count

// The replaceable global allocation functions ([new.delete]).
void* operator new(std::size_t n) { return alloc_count::allocate(n, 0); }
void* operator new[](std::size_t n) { return alloc_count::allocate(n, 0); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return alloc_count::allocate(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return alloc_count::allocate(n, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a) { return alloc_count::allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_count::allocate(n, static_cast<std::size_t>(a)); }
void operator delete(void* p) noexcept { alloc_count::deallocate(p, 0); }
void operator delete[](void* p) noexcept { alloc_count::deallocate(p, 0); }
void operator delete(void* p, std::size_t) noexcept { alloc_count::deallocate(p, 0); }
void operator delete[](void* p, std::size_t) noexcept { alloc_count::deallocate(p, 0); }
void operator delete(void* p, const std::nothrow_t&) noexcept { alloc_count::deallocate(p, 0); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { alloc_count::deallocate(p, 0); }
void operator delete(void* p, std::align_val_t a) noexcept { alloc_count::deallocate(p, static_cast<std::size_t>(a)); }
void operator delete[](void* p, std::align_val_t a) noexcept {
  alloc_count::deallocate(p, static_cast<std::size_t>(a));
}
void operator delete(void* p, std::size_t, std::align_val_t a) noexcept {
  alloc_count::deallocate(p, static_cast<std::size_t>(a));
}
void operator delete[](void* p, std::size_t, std::align_val_t a) noexcept {
  alloc_count::deallocate(p, static_cast<std::size_t>(a));
}

namespace {

using weft_bench::check;
using weft_bench::config;

constexpr int kWarmUp = 1000;  // hops before counting starts
constexpr int kBatch = 100;    // hops per benchmark iteration

std::uint64_t iters(const benchmark::State& state) { return static_cast<std::uint64_t>(state.iterations()); }

/// Reports allocations per hop over the counted hops.
void report_per_hop(benchmark::State& state, std::size_t allocations, std::uint64_t hops) {
  state.counters["allocs_per_hop"] =
      benchmark::Counter(hops ? static_cast<double>(allocations) / static_cast<double>(hops) : 0.0);
  state.SetItemsProcessed(static_cast<std::int64_t>(hops));
}

// ---- sleep(0) ping-pong ------------------------------------------------------------

struct ping_pong_state {
  benchmark::State* state;
  bool measuring_done = false;
  std::uint64_t hops = 0;
  std::size_t allocations = 0;
};

// The measured side: warms up, then one iteration per kBatch yields.
weft::coro<void> measured_yielder(ping_pong_state& s) {
  for (int i = 0; i < kWarmUp; ++i) co_await weft::sleep(weft::duration::zero());
  s.hops = 0;
  alloc_count::start();
  for (auto _ : *s.state)
    for (int i = 0; i < kBatch; ++i) {
      co_await weft::sleep(weft::duration::zero());
      s.hops += 2;  // this task's yield and the partner's
    }
  alloc_count::stop();
  s.allocations = alloc_count::allocations;
  s.measuring_done = true;
}

weft::coro<void> partner_yielder(ping_pong_state& s) {
  while (!s.measuring_done) co_await weft::sleep(weft::duration::zero());
}

weft::coro<void> ping_pong(ping_pong_state& s) {
  auto cm = measured_yielder(s);
  auto m = weft::create_task(std::move(cm));
  auto cp = partner_yielder(s);
  auto p = weft::create_task(std::move(cp));
  co_await m;
  co_await p;
}

/// Allocations per sleep(0) hop of two tasks taking turns, loop warmed up.
void allocs_sleep0_ping_pong(benchmark::State& state, config c) {
  ping_pong_state s{&state};
  weft_bench::run(c, ping_pong(s));
  if (check(state, s.hops == 2 * kBatch * iters(state), "allocs_sleep0_ping_pong: wrong number of hops"))
    report_per_hop(state, s.allocations, s.hops);
}
WEFT_BENCH_ALL_CONFIGS(allocs_sleep0_ping_pong);

// ---- call_soon chain ---------------------------------------------------------------

/// A chain of callbacks that each schedule the next, counted after a warm-up:
/// one benchmark iteration per kBatch callbacks.
struct counted_chain {
  benchmark::State* state;
  weft::event_loop* loop;
  weft::future<void> done;
  int warm_up = kWarmUp;
  int batch_left = 0;
  std::uint64_t hops = 0;
  std::size_t allocations = 0;

  /// Counts one callback; false (and `done` set) once the benchmark is over.
  bool hop() {
    if (warm_up > 0) {
      if (--warm_up == 0) alloc_count::start();
      return true;
    }
    ++hops;
    if (batch_left == 0) {
      if (!state->KeepRunning()) {
        alloc_count::stop();
        allocations = alloc_count::allocations;
        done.set_result();
        return false;
      }
      batch_left = kBatch;
    }
    --batch_left;
    return true;
  }
};

void chain_step(counted_chain* s) {
  if (s->hop()) s->loop->call_soon([s] { chain_step(s); });
}

weft::coro<void> call_soon_chain(counted_chain& s) {
  s.loop = &weft::get_running_loop();
  s.done = s.loop->create_future<void>();
  s.loop->call_soon([p = &s] { chain_step(p); });
  co_await s.done;
}

/// Allocations per call_soon callback of a chain where each schedules the next.
void allocs_call_soon_chain(benchmark::State& state, config c) {
  counted_chain s{&state, nullptr, {}};
  weft_bench::run(c, call_soon_chain(s));
  // The callback that finds the state loop exhausted counts as a hop too.
  if (check(state, s.hops == kBatch * iters(state) + 1, "allocs_call_soon_chain: wrong number of callbacks"))
    report_per_hop(state, s.allocations, s.hops);
}
WEFT_BENCH_ALL_CONFIGS(allocs_call_soon_chain);

// ---- create_task + await -----------------------------------------------------------

weft::coro<int> returns_at_once(int v) { co_return v; }

struct create_state {
  benchmark::State* state;
  std::uint64_t hops = 0;
  std::int64_t sum = 0;
  std::size_t allocations = 0;
};

weft::coro<void> create_and_await(create_state& s) {
  for (int i = 0; i < kWarmUp; ++i) {
    auto c = returns_at_once(1);
    auto t = weft::create_task(std::move(c));
    co_await t;
  }
  alloc_count::start();
  for (auto _ : *s.state)
    for (int i = 0; i < kBatch; ++i) {
      auto c = returns_at_once(1);
      auto t = weft::create_task(std::move(c));
      const int v = co_await t;
      s.sum += v;
      ++s.hops;
    }
  alloc_count::stop();
  s.allocations = alloc_count::allocations;
}

/// Allocations per task created and awaited (a task returning at once).
void allocs_create_and_await(benchmark::State& state, config c) {
  create_state s{&state};
  weft_bench::run(c, create_and_await(s));
  if (check(state, s.sum == static_cast<std::int64_t>(kBatch * iters(state)) &&
                       s.hops == kBatch * iters(state),
            "allocs_create_and_await: wrong sum"))
    report_per_hop(state, s.allocations, s.hops);
}
WEFT_BENCH_ALL_CONFIGS(allocs_create_and_await);

// ---- call_at timer -----------------------------------------------------------------

struct timer_state : counted_chain {
  std::uint64_t off_time = 0;
};

void timer_step(timer_state* s, weft::time_point when) {
  if (s->loop->time() != when) ++s->off_time;
  if (!s->hop()) return;
  const weft::time_point next = when + std::chrono::microseconds(1);
  s->loop->call_at(next, [s, next] { timer_step(s, next); });
}

weft::coro<void> timer_chain(timer_state& s) {
  s.loop = &weft::get_running_loop();
  s.done = s.loop->create_future<void>();
  const weft::time_point first = s.loop->time() + std::chrono::microseconds(1);
  s.loop->call_at(first, [p = &s, first] { timer_step(p, first); });
  co_await s.done;
}

/// Allocations per call_at timer scheduled and fired (each timer schedules the next).
void allocs_call_at_timer(benchmark::State& state, config c) {
  timer_state s{{&state, nullptr, {}}};
  weft_bench::run(c, timer_chain(s));
  if (check(state, s.hops == kBatch * iters(state) + 1 && s.off_time == 0,
            "allocs_call_at_timer: wrong number of timers, or one fired off time"))
    report_per_hop(state, s.allocations, s.hops);
}
WEFT_BENCH_ALL_CONFIGS(allocs_call_at_timer);

// ---- bytes per pending task --------------------------------------------------------
//
// weft pools coroutine frames, task/future states and callback nodes in
// thread-local size classes carved from 64 KiB chunks (frame_pool.hpp), which
// operator new never sees: the pool's own count of live blocks and bytes (as
// it rounds them, to 32 bytes) is added to operator new's. Each measurement
// runs on a new thread, whose pool starts empty, whatever ran before in this
// process.

constexpr int kPending = 10'000;

weft::coro<void> waits_forever(weft::event& ev, int& started) {
  ++started;
  co_await ev.wait();
}

struct pending_result {
  std::size_t frame_bytes = 0;       // N bare coroutine objects, live
  std::size_t task_bytes = 0;        // N pending tasks, live, frames included
  std::size_t task_allocations = 0;  // operator new calls for them
  int started = 0, finished = 0;
};

// N coroutine objects of waits_forever, never wrapped into a task: frames only.
void measure_bare_frames(pending_result& r) {
  weft::event ev;
  int started = 0;
  std::vector<weft::coro<void>> coros;
  coros.reserve(kPending);
  const weft::frame_pool_stats p0 = weft::frame_pool_statistics();
  alloc_count::start();
  for (int i = 0; i < kPending; ++i) coros.push_back(waits_forever(ev, started));
  alloc_count::stop();
  const weft::frame_pool_stats p1 = weft::frame_pool_statistics();
  r.frame_bytes = alloc_count::live + (p1.live_bytes - p0.live_bytes);
  for (auto& c : coros) c.close();  // not a "never awaited" warning
}

weft::coro<void> pending_tasks(pending_result& r) {
  weft::event_loop& loop = weft::get_running_loop();
  // Grow the loop's ready ring and callback-node free list to N first: they
  // belong to the loop (reused by every later step), not to a pending task.
  int noops = 0;
  for (int i = 0; i < kPending + 1; ++i) loop.call_soon([&noops] { ++noops; });
  co_await weft::sleep(weft::duration::zero());

  weft::event ev;
  std::vector<weft::task<void>> tasks;
  tasks.reserve(kPending);
  const weft::frame_pool_stats p0 = weft::frame_pool_statistics();
  alloc_count::start();
  for (int i = 0; i < kPending; ++i) {
    auto c = waits_forever(ev, r.started);
    tasks.push_back(weft::create_task(std::move(c)));
  }
  co_await weft::sleep(weft::duration::zero());  // every task runs up to ev.wait()
  alloc_count::stop();
  const weft::frame_pool_stats p1 = weft::frame_pool_statistics();
  r.task_bytes = alloc_count::live + (p1.live_bytes - p0.live_bytes);
  // Pool blocks still out count as allocations (each is one; none of a
  // pending task's is freed before the count).
  r.task_allocations = alloc_count::allocations + (p1.live_blocks - p0.live_blocks);

  ev.set();
  for (auto& t : tasks) {
    co_await t;
    ++r.finished;
  }
}

/// Bytes a pending task costs beyond its coroutine frame (N tasks awaiting an
/// event that is never set while measured), with the frame pool cold.
void pending_task_bytes(benchmark::State& state) {
  pending_result r;
  for (auto _ : state) {
    r = {};
    std::thread([&r] { measure_bare_frames(r); }).join();
    std::thread([&r] { weft_bench::run(config::production, pending_tasks(r)); }).join();
    if (!check(state, r.started == kPending && r.finished == kPending && r.task_bytes > r.frame_bytes,
               "pending_task_bytes: a task did not start or finish"))
      break;
  }
  const double n = kPending;
  state.counters["frame_bytes"] = benchmark::Counter(static_cast<double>(r.frame_bytes) / n);
  state.counters["task_bytes"] = benchmark::Counter(static_cast<double>(r.task_bytes) / n);
  state.counters["bytes_per_pending_task"] =
      benchmark::Counter(static_cast<double>(r.task_bytes - r.frame_bytes) / n);
  state.counters["allocs_per_pending_task"] = benchmark::Counter(static_cast<double>(r.task_allocations) / n);
  // The two largest parts of the difference, unrounded.
  state.counters["sizeof_task_state"] = benchmark::Counter(sizeof(weft::detail::task_state<void>));
  state.counters["sizeof_future_state"] = benchmark::Counter(sizeof(weft::detail::future_state<void>));
}
// Real time: the work runs on other threads, which CPU time would not see.
BENCHMARK(pending_task_bytes)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- a burst of timers, and back to idle ------------------------------------------
//
// RSS (resident set, /proc/self/statm) around a burst of 1M timers scheduled
// and cancelled on one loop that stays alive: the burst's peak must not stay
// pinned once the loop is idle again (the loop keeps 1024 idle callback nodes,
// the frame pool 2 MiB of empty chunks: frame_pool.hpp, event_loop.cpp).

double rss_mib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * 4096.0 / (1 << 20);
}

void timer_burst_rss(benchmark::State& state) {
  constexpr int kBurst = 1'000'000;
  double before = 0, peak = 0, idle = 0, gone = 0;
  for (auto _ : state) {
    before = rss_mib();
    std::thread([&] {
      weft::event_loop loop;
      {
        std::vector<weft::timer_handle> hs;
        hs.reserve(kBurst);
        for (int i = 0; i < kBurst; ++i) hs.push_back(loop.call_later(std::chrono::hours(1), [] {}));
        peak = rss_mib();
        for (auto& h : hs) h.cancel();
      }
      // Iterations: drop the cancelled timers (asyncio's rule: more than half
      // cancelled), then find the loop idle.
      for (int i = 0; i < 3; ++i) {
        loop.call_soon([&loop] { loop.stop(); });
        loop.run_forever();
      }
      idle = rss_mib();
      loop.close();
    }).join();
    gone = rss_mib();
  }
  state.counters["rss_before_mib"] = before;
  state.counters["rss_peak_mib"] = peak;
  state.counters["rss_idle_mib"] = idle;
  state.counters["rss_after_thread_mib"] = gone;
}
BENCHMARK(timer_burst_rss)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
