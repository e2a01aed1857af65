// The fuzz target weft_add_scenario_fuzzer builds for one scenario file:
// the input bytes are the decisions of its run (and its injected
// cancellations, unless built with WEFT_FUZZ_NO_FAULTS); a failing run prints
// the trace and the weft replay command.

#include <cstddef>
#include <cstdint>

#include "scenario_fuzz.hpp"
#include WEFT_FUZZ_EMBEDDED_HEADER

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider decisions(data, size);
#if WEFT_FUZZ_NO_FAULTS
  weft::fuzz::fuzz_scenario_schedule(weft::fuzz::embedded::scenarios[0], decisions, weft::fuzz::no_faults());
#else
  weft::fuzz::fuzz_scenario_schedule(weft::fuzz::embedded::scenarios[0], decisions);
#endif
  return 0;
}
