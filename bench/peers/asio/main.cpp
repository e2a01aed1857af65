// asio peer of the weft benchmarks: the five workloads on a single-threaded
// asio::io_context with C++20 coroutines. See bench/peers/asio/README.md.

// asio 1.22 only enables co_await under clang when <experimental/coroutine>
// exists, which libstdc++ lacks; clang 14 handles <coroutine> fine.
#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT) && defined(__cpp_impl_coroutine)
#define ASIO_HAS_CO_AWAIT 1
#endif

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using u64 = std::uint64_t;

constexpr std::size_t kChains = 1000;  // W1
constexpr std::size_t kBatch = 1000;   // children per round in W2 and W5

[[noreturn]] void fail(const std::string& msg) {
  std::fprintf(stderr, "asio_peer_bench: %s\n", msg.c_str());
  std::exit(1);
}

void check(bool ok, const char* workload, const std::string& what) {
  if (!ok) fail(std::string(workload) + ": " + what);
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void report(const char* workload, u64 ops, double secs) {
  const double ns_per_op = secs * 1e9 / static_cast<double>(ops);
  const auto ops_per_sec = static_cast<unsigned long long>(static_cast<double>(ops) / secs + 0.5);
  std::printf("asio %s %llu %.2f\n", workload, ops_per_sec, ns_per_op);
}

// Rethrows the first exception a detached coroutine ended with.
struct Failure {
  std::exception_ptr first;
  void note(std::exception_ptr e) {
    if (e && !first) first = e;
  }
  void rethrow() const {
    if (first) std::rethrow_exception(first);
  }
};

// ---- W1: self-reposting plain callbacks ---------------------------------

struct W1State {
  asio::io_context& ctx;
  u64 target;
  u64 posted = 0;
  u64 ran = 0;
};

struct Chain {
  W1State* s;
  void operator()() const {
    ++s->ran;
    // Counting posts (not runs) keeps the total exactly N with 1000 chains in flight.
    if (s->posted < s->target) {
      ++s->posted;
      asio::post(s->ctx, *this);
    }
  }
};

void w1(u64 n) {
  asio::io_context ctx{1};
  W1State s{ctx, n};
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < kChains && s.posted < n; ++i) {
    ++s.posted;
    asio::post(ctx, Chain{&s});
  }
  ctx.run();
  const double secs = seconds_since(t0);
  check(s.ran == n, "W1", "ran " + std::to_string(s.ran) + " callbacks, expected " + std::to_string(n));
  report("W1", n, secs);
}

// ---- waiting for a batch of co_spawned children (W2, W5) ----------------

// asio 1.22's parallel_group is variadic only (no ranged form), so a round
// waits with a completion counter; the last child's completion handler
// cancels a never-expiring timer the parent is parked on.
struct WaitGroup {
  explicit WaitGroup(asio::io_context& ctx) : timer(ctx, asio::steady_timer::time_point::max()) {}

  void done() {
    if (--pending == 0) timer.cancel();
  }

  asio::awaitable<void> wait() {
    // A cancel with nobody waiting is lost, so skip the wait if all are done.
    if (pending == 0) co_return;
    asio::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (pending != 0) throw std::runtime_error("wait woke with children pending");
  }

  asio::steady_timer timer;
  std::size_t pending = 0;
};

// ---- W2: spawn 1000 int-returning children per round, await them all ------

asio::awaitable<int> w2_child() { co_return 1; }

asio::awaitable<void> w2_main(asio::io_context& ctx, u64 rounds, u64& sum, Failure& failure) {
  WaitGroup wg(ctx);
  for (u64 r = 0; r < rounds; ++r) {
    wg.pending = kBatch;
    for (std::size_t i = 0; i < kBatch; ++i) {
      asio::co_spawn(ctx, w2_child(), [&](std::exception_ptr e, int v) {
        failure.note(e);
        sum += static_cast<u64>(v);
        wg.done();
      });
    }
    co_await wg.wait();
  }
}

void w2(u64 n) {
  asio::io_context ctx{1};
  u64 sum = 0;
  Failure failure;
  const auto t0 = Clock::now();
  asio::co_spawn(ctx, w2_main(ctx, n / kBatch, sum, failure),
                 [&](std::exception_ptr e) { failure.note(e); });
  ctx.run();
  const double secs = seconds_since(t0);
  failure.rethrow();
  check(sum == n, "W2", "children returned a sum of " + std::to_string(sum) + ", expected " + std::to_string(n));
  report("W2", n, secs);
}

// ---- W3: two coroutines alternating bare yields ------------------------

asio::awaitable<void> w3_yielder(asio::io_context& ctx, u64 n, u64& count) {
  for (u64 i = 0; i < n; ++i) {
    co_await asio::post(ctx, asio::use_awaitable);
    ++count;
  }
}

void w3(u64 n) {
  asio::io_context ctx{1};
  u64 count = 0;
  Failure failure;
  const auto t0 = Clock::now();
  for (int k = 0; k < 2; ++k) {
    asio::co_spawn(ctx, w3_yielder(ctx, n, count), [&](std::exception_ptr e) { failure.note(e); });
  }
  ctx.run();
  const double secs = seconds_since(t0);
  failure.rethrow();
  check(count == 2 * n, "W3", "did " + std::to_string(count) + " yields, expected " + std::to_string(2 * n));
  report("W3", 2 * n, secs);
}

// ---- W4: N one-shot timers inserted out of order -----------------------

void w4(u64 n) {
  asio::io_context ctx{1};
  u64 fired = 0;
  u64 errors = 0;
  std::vector<asio::steady_timer> timers;

  const auto start = Clock::now();
  timers.reserve(n);
  for (u64 i = 0; i < n; ++i) {
    const u64 h = (i * 2654435761u) & 0xffffffffu;
    const auto offset = std::chrono::nanoseconds((h * 1000000000u) >> 32);
    timers.emplace_back(ctx, start + offset);
    timers.back().async_wait([&](const asio::error_code& ec) { ++(ec ? errors : fired); });
  }
  const double schedule_secs = seconds_since(start);

  // No virtual clock: wait out the deadlines untimed, then time the firing.
  std::this_thread::sleep_until(start + std::chrono::seconds(1) + std::chrono::milliseconds(1));
  const auto t1 = Clock::now();
  ctx.run();
  const double run_secs = seconds_since(t1);

  check(errors == 0, "W4", std::to_string(errors) + " timer waits completed with an error");
  check(fired == n, "W4", "fired " + std::to_string(fired) + " timers, expected " + std::to_string(n));
  report("W4", n, schedule_secs + run_secs);
}

// ---- W5: 1000 children per round, each yielding once --------------------

asio::awaitable<void> w5_child(asio::io_context& ctx, u64& finished) {
  co_await asio::post(ctx, asio::use_awaitable);
  ++finished;
}

asio::awaitable<void> w5_main(asio::io_context& ctx, u64 rounds, u64& finished, Failure& failure) {
  WaitGroup wg(ctx);
  for (u64 r = 0; r < rounds; ++r) {
    wg.pending = kBatch;
    for (std::size_t i = 0; i < kBatch; ++i) {
      asio::co_spawn(ctx, w5_child(ctx, finished), [&](std::exception_ptr e) {
        failure.note(e);
        wg.done();
      });
    }
    co_await wg.wait();
  }
}

void w5(u64 n) {
  asio::io_context ctx{1};
  u64 finished = 0;
  Failure failure;
  const auto t0 = Clock::now();
  asio::co_spawn(ctx, w5_main(ctx, n, finished, failure), [&](std::exception_ptr e) { failure.note(e); });
  ctx.run();
  const double secs = seconds_since(t0);
  failure.rethrow();
  const u64 ops = n * kBatch;
  check(finished == ops, "W5", std::to_string(finished) + " children finished, expected " + std::to_string(ops));
  report("W5", ops, secs);
}

// ---- command line ------------------------------------------------------

[[noreturn]] void usage_error(std::string_view arg, const std::string& why) {
  std::fprintf(stderr, "asio_peer_bench: bad argument '%.*s': %s\n", static_cast<int>(arg.size()), arg.data(),
               why.c_str());
  std::fprintf(stderr, "usage: asio_peer_bench [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]\n");
  std::exit(2);
}

// Caps N so that 1000*N (W5's op count) cannot overflow.
constexpr u64 kMaxN = 1000000000000000ull;

u64 parse_count(std::string_view arg, std::string_view text) {
  if (text.empty()) usage_error(arg, "missing count after '='");
  u64 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') usage_error(arg, "count is not a positive integer");
    v = v * 10 + static_cast<u64>(c - '0');
    if (v > kMaxN) usage_error(arg, "count is too large");
  }
  if (v == 0) usage_error(arg, "count is not a positive integer");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<u64> sizes[5];
  if (argc == 1) {
    sizes[0] = 10000000;
    sizes[1] = 1000000;
    sizes[2] = 1000000;
    sizes[3] = 1000000;
    sizes[4] = 1000;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    if (name.size() != 2 || name[0] != 'W' || name[1] < '1' || name[1] > '5')
      usage_error(arg, "unknown workload (expected W1=N .. W5=N)");
    if (eq == std::string_view::npos) usage_error(arg, "missing '=N' count");
    const int w = name[1] - '1';
    if (sizes[w]) usage_error(arg, "workload given twice");
    sizes[w] = parse_count(arg, arg.substr(eq + 1));
    if (w == 1 && *sizes[w] % kBatch != 0) usage_error(arg, "W2's count must be a multiple of 1000");
  }

  void (*const workloads[5])(u64) = {w1, w2, w3, w4, w5};
  try {
    for (int w = 0; w < 5; ++w) {
      if (sizes[w]) {
        workloads[w](*sizes[w]);
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& e) {
    fail(std::string("error: ") + e.what());
  }
  return 0;
}
