// asio's side of the threads benchmark (README.md here): T1, handlers posted
// to an io_context from 4 threads; T2, a round trip through a thread_pool
// (post the work there, post its completion back to the io_context).
// Usage: asio_threads_bench [T1=N] [T2=N]; prints "asio T1 OPS_PER_SEC NS_PER_OP".

#include <asio.hpp>

#include <atomic>
#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "args.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double t1(long n) {
  constexpr int threads = 4;
  asio::io_context ioc{1};
  auto guard = asio::make_work_guard(ioc);
  long received = 0;
  std::atomic<bool> go{false};
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      for (long i = t; i < n; i += threads)
        asio::post(ioc, [&] {
          if (++received == n) ioc.stop();
        });
    });
  const auto start = clock_type::now();
  go.store(true, std::memory_order_release);
  ioc.run();
  const auto end = clock_type::now();
  for (std::thread& p : posters) p.join();
  if (received != n) bench_args::fail("asio T1: received " + std::to_string(received));
  return std::chrono::duration<double, std::nano>(end - start).count();
}

double t2(long n) {
  asio::io_context ioc{1};
  asio::thread_pool pool(std::min(32u, std::thread::hardware_concurrency() + 4));
  long sum = 0;
  std::function<void()> next = [&] {
    asio::post(pool, [&] {
      long result = 1;  // the work: return 1
      asio::post(ioc, [&, result] {
        sum += result;
        if (sum == n)
          ioc.stop();
        else
          next();
      });
    });
  };
  const auto start = clock_type::now();
  auto guard = asio::make_work_guard(ioc);
  asio::post(ioc, next);
  ioc.run();
  const auto end = clock_type::now();
  pool.join();
  if (sum != n) bench_args::fail("asio T2: sum " + std::to_string(sum));
  return std::chrono::duration<double, std::nano>(end - start).count();
}

}  // namespace

int main(int argc, char** argv) { return bench_args::run("asio", argc, argv, t1, t2); }
