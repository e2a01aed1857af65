#pragma once
// The command line and output of the threads benchmark's C++ peers (README.md here).

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace bench_args {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

/// Parses [T1=N] [T2=N] (defaults: T1=1000000 T2=20000), runs each workload
/// (a function from N to nanoseconds taken) and prints its line.
template <class T1, class T2>
int run(const char* peer, int argc, char** argv, T1 t1, T2 t2) {
  std::map<std::string, long> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('=');
    char* end = nullptr;
    const long n = eq == std::string::npos ? 0 : std::strtol(a.c_str() + eq + 1, &end, 10);
    const std::string w = a.substr(0, eq);
    if ((w != "T1" && w != "T2") || n <= 0 || *end) {
      std::fprintf(stderr, "bad argument '%s': expected T1=N or T2=N with N a positive integer\n", a.c_str());
      return 2;
    }
    sizes[w] = n;
  }
  if (sizes.empty()) sizes = {{"T1", 1000000}, {"T2", 20000}};
  for (const auto& [w, n] : sizes) {
    const double ns = w == "T1" ? t1(n) : t2(n);
    std::printf("%s %s %ld %.2f\n", peer, w.c_str(), static_cast<long>(n * 1e9 / ns), ns / n);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace bench_args
