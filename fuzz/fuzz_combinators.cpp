// fuzz_combinators: weft's own properties (props/tests: gather, wait,
// wait_for, shield, timeout, TaskGroup, the primitives and their stateful
// models), each of which generates a program of tasks and combinators and a
// schedule, and checks its invariants. It links the suite's own object files,
// whose WEFT_PROPs register their properties (property_registry) besides
// defining gtest tests, so the checkers are the suite's own. The input picks a property, a case
// count and rapidcheck's seed: a failing case is shrunk and printed as
// rapidcheck prints it, with the line that reproduces it in the suite.

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <fuzzer/FuzzedDataProvider.h>

#include <weft/props/prop.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& properties = weft::props::property_registry();
  if (properties.empty()) {
    std::fputs("fuzz_combinators: no property registered (linked without the property files?)\n", stderr);
    std::abort();
  }
  FuzzedDataProvider input(data, size);
  const auto& p = properties[input.ConsumeIntegralInRange<std::size_t>(0, properties.size() - 1)];
  const int cases = input.ConsumeIntegralInRange<int>(1, 16);  // rapidcheck grows the size with the case
  const std::uint64_t seed = input.ConsumeIntegral<std::uint64_t>();
  if (p.check(seed, cases)) return 0;
  std::fprintf(stderr,
               "fuzz_combinators: property %s fails; in the suite: RC_PARAMS=\"seed=%" PRIu64
               " max_success=%d\" build/<preset>/props/tests/<topic>_props --gtest_filter=%s\n",
               p.name.c_str(), seed, cases, p.name.c_str());
  std::abort();
}
