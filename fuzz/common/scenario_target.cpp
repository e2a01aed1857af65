// The fuzz target weft_add_scenario_fuzzer builds for one scenario file:
// the input bytes are the decisions of its run (and its injected
// cancellations); a failing run prints the trace and the weft replay command.

#include <cstddef>
#include <cstdint>

#include "scenario_fuzz.hpp"
#include WEFT_FUZZ_EMBEDDED_HEADER

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider decisions(data, size);
  weft::fuzz::fuzz_scenario_schedule(weft::fuzz::embedded::scenarios[0], decisions);
  return 0;
}
