// weft's side of the peer comparison (bench/peers/README.md): the five shared
// workloads on weft's production configuration (steady clock, FIFO), except
// W4, which runs on the virtual clock as the workload allows for loops that
// have one.
//
//   weft_peer_bench [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]
//
// prints one line per workload: `weft WORKLOAD OPS_PER_SEC NS_PER_OP`.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include <weft/weft.hpp>

#include "../workloads.hpp"

namespace {

using peers::elapsed_ns;
using peers::now;

// W1: 1000 call_soon chains, N callbacks in all.
struct chain {
  weft::event_loop* loop;
  std::uint64_t* remaining;
  void operator()() const {
    if (--*remaining == 0) {
      loop->stop();
      return;
    }
    loop->call_soon(*this);
  }
};

double w1(std::uint64_t n) {
  weft::event_loop loop;
  std::uint64_t remaining = n;
  const auto t0 = now();
  for (std::uint64_t i = 0; i < peers::kChains && i < n; ++i) loop.call_soon(chain{&loop, &remaining});
  loop.run_forever();
  const double ns = elapsed_ns(t0);
  peers::check(remaining == 0, "W1: not every callback ran");
  loop.close();
  return ns;
}

weft::coro<int> ready_child() { co_return 1; }

weft::coro<int> yielding_child() {
  co_await weft::sleep(weft::duration::zero());
  co_return 1;
}

// W2 and W5: rounds of 1000 created children, gathered.
weft::coro<std::uint64_t> fan_out(std::uint64_t rounds, weft::coro<int> (*child)()) {
  std::uint64_t sum = 0;
  std::vector<weft::task<int>> children;
  children.reserve(peers::kFanOut);
  for (std::uint64_t r = 0; r < rounds; ++r) {
    children.clear();
    for (std::size_t i = 0; i < peers::kFanOut; ++i) children.push_back(weft::create_task(child()));
    auto results = co_await weft::gather(children);
    for (int v : results) sum += static_cast<std::uint64_t>(v);
  }
  co_return sum;
}

double fan_out_run(std::uint64_t rounds, weft::coro<int> (*child)(), const char* name) {
  weft::event_loop loop;
  const auto t0 = now();
  const std::uint64_t sum = loop.run_until_complete(fan_out(rounds, child));
  const double ns = elapsed_ns(t0);
  peers::check(sum == rounds * peers::kFanOut, name);
  loop.close();
  return ns;
}

// W3: two tasks each yielding N times.
weft::coro<void> yielder(std::uint64_t n, std::uint64_t& count) {
  for (std::uint64_t i = 0; i < n; ++i) {
    co_await weft::sleep(weft::duration::zero());
    ++count;
  }
}

weft::coro<void> ping_pong(std::uint64_t n, std::uint64_t& count) {
  auto a = weft::create_task(yielder(n, count));
  auto b = weft::create_task(yielder(n, count));
  co_await a;
  co_await b;
}

double w3(std::uint64_t n) {
  weft::event_loop loop;
  std::uint64_t count = 0;
  const auto t0 = now();
  loop.run_until_complete(ping_pong(n, count));
  const double ns = elapsed_ns(t0);
  peers::check(count == 2 * n, "W3: wrong number of yields");
  loop.close();
  return ns;
}

// W4: N call_at timers spread over [0, 1 s), on the virtual clock.
double w4(std::uint64_t n) {
  weft::virtual_clock clock;
  weft::event_loop loop(weft::loop_options{.clock = &clock});
  std::uint64_t fired = 0;
  const auto t0 = now();
  const weft::time_point start = loop.time();
  for (std::uint64_t i = 0; i < n; ++i) {
    loop.call_at(start + weft::duration(peers::timer_offset_ns(i)), [&fired, &loop, n] {
      if (++fired == n) loop.stop();
    });
  }
  loop.run_forever();
  const double ns = elapsed_ns(t0);
  peers::check(fired == n, "W4: not every timer fired");
  loop.close();
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  return peers::main("weft", argc, argv,
                     {w1, [](std::uint64_t n) { return fan_out_run(n / peers::kFanOut, ready_child, "W2: wrong sum"); },
                      w3, w4, [](std::uint64_t n) { return fan_out_run(n, yielding_child, "W5: wrong sum"); }});
}
