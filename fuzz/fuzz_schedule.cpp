// fuzz_schedule: the fuzzer chooses the interleaving (and the injected
// cancellations) of each bundled example scenario. The first byte picks the
// scenario, the rest are the decisions (weft::sim::fuzzed_strategy; FIFO once
// they run out). A run that fails is a finding, printed with the command that
// replays it: the race scenarios are found in seconds, which is the point of
// this target; fuzz_schedule_correct runs the correct ones only, where any
// failure is a bug in weft.

#include <cstddef>
#include <cstdint>

#include "common/scenario_fuzz.hpp"
#include WEFT_FUZZ_EMBEDDED_HEADER

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr auto& files = weft::fuzz::embedded::scenarios;
  constexpr std::size_t count = sizeof(files) / sizeof(files[0]);
  const std::size_t pick = size == 0 ? 0 : data[0] % count;
  FuzzedDataProvider decisions(size == 0 ? data : data + 1, size == 0 ? 0 : size - 1);
  weft::fuzz::fuzz_scenario_schedule(files[pick], decisions);
  return 0;
}
