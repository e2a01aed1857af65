// weft's side of the threads benchmark (README.md here): T1, callbacks posted
// from 4 threads with call_soon_threadsafe; T2, to_thread round trips.
// Usage: weft_threads_bench [T1=N] [T2=N]; prints "weft T1 OPS_PER_SEC NS_PER_OP".

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <weft/weft.hpp>

#include "args.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double t1(long n) {
  // N callbacks in all from 4 threads; timed from the start of the posting
  // to the loop running the last one.
  constexpr int threads = 4;
  weft::event_loop loop;
  auto guard = loop.make_work_guard();
  long received = 0;
  std::atomic<bool> go{false};
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      for (long i = t; i < n; i += threads)
        loop.call_soon_threadsafe([&] {
          if (++received == n) loop.stop();
        });
    });
  const auto start = clock_type::now();
  go.store(true, std::memory_order_release);
  loop.run_forever();
  const auto end = clock_type::now();
  for (std::thread& p : posters) p.join();
  if (received != n) bench_args::fail("weft T1: received " + std::to_string(received));
  return std::chrono::duration<double, std::nano>(end - start).count();
}

double t2(long n) {
  // N awaits of to_thread(no-op), one after the other, on the default executor.
  long sum = 0;
  const auto start = clock_type::now();
  weft::run([](long n, long& sum) -> weft::coro<void> {
    for (long i = 0; i < n; ++i) {
      auto one = weft::to_thread([] { return 1L; });
      sum += co_await std::move(one);
    }
  }(n, sum));
  const auto end = clock_type::now();
  if (sum != n) bench_args::fail("weft T2: sum " + std::to_string(sum));
  return std::chrono::duration<double, std::nano>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) { return bench_args::run("weft", argc, argv, t1, t2); }
