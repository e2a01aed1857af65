// The command line and output of a C++ peer program (bench/peers/README.md):
//
//   PROGRAM [W1=N] [W2=N] [W3=N] [W4=N] [W5=N]
//
// runs the named workloads (all five at their default sizes when none is
// named) and prints `PEER WORKLOAD OPS_PER_SEC NS_PER_OP` for each.
#pragma once

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace peers {

inline constexpr std::uint64_t kChains = 1000;  // W1's call_soon chains
inline constexpr std::size_t kFanOut = 1000;    // children per W2/W5 round
inline constexpr std::array<std::uint64_t, 5> kDefaultSizes = {10'000'000, 1'000'000, 1'000'000, 1'000'000, 1'000};

/// W4's i-th deadline, in ns after the start: uniform over [0, 1 s), out of order.
inline std::uint64_t timer_offset_ns(std::uint64_t i) {
  return ((i * 2654435761u) & 0xffffffffu) * 1'000'000'000u >> 32;
}

inline std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }

inline double elapsed_ns(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::nano>(now() - since).count();
}

/// A wrong result means the workload did not do what it claims: fail loudly.
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s\n", what);
    std::exit(1);
  }
}

/// Runs workload i (0-based) with size n and returns the elapsed ns.
using workload_fn = double (*)(std::uint64_t n);

/// Parses the arguments, runs the workloads and prints their lines. Exit 2 on
/// a bad argument.
inline int main(const char* peer, int argc, char** argv, std::array<workload_fn, 5> workloads) {
  std::array<std::uint64_t, 5> sizes{};
  if (argc == 1) sizes = kDefaultSizes;
  for (int a = 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    const auto eq = arg.find('=');
    const bool named = eq == 2 && arg[0] == 'W' && arg[1] >= '1' && arg[1] <= '5';
    std::uint64_t n = 0;
    const char* end = arg.data() + arg.size();
    if (!named || std::from_chars(arg.data() + 3, end, n).ptr != end || n == 0) {
      std::fprintf(stderr, "%s: bad argument '%s' (expected W1..W5=N with N a positive integer)\n", peer, argv[a]);
      return 2;
    }
    const int w = arg[1] - '1';
    if (w == 1 && n % kFanOut != 0) {
      std::fprintf(stderr, "%s: bad argument '%s' (W2 must be a multiple of %zu)\n", peer, argv[a], kFanOut);
      return 2;
    }
    sizes[static_cast<std::size_t>(w)] = n;
  }
  // W3 does 2N yields, W5 gathers 1000 children per round.
  constexpr std::array<std::uint64_t, 5> ops_per_unit = {1, 1, 2, 1, kFanOut};
  for (std::size_t w = 0; w < 5; ++w) {
    if (sizes[w] == 0) continue;
    const double ns = workloads[w](sizes[w]);
    const double ops = static_cast<double>(sizes[w] * ops_per_unit[w]);
    std::printf("%s W%zu %.0f %.2f\n", peer, w + 1, ops / ns * 1e9, ns / ops);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace peers
