#pragma once
/// Fuzzing schedules with libFuzzer: the fuzzer's input bytes are the
/// simulator's decisions, so every byte string is a valid schedule (the empty
/// one is the asyncio run) and a crash input replays the run that failed.
///
///   #include <weft/sim/fuzz.hpp>
///
///   weft::coro<void> transfers() { ... WEFT_CHECK(total == 100); }
///   WEFT_FUZZ_TARGET(transfers)
///
/// builds, with clang++ -fsanitize=fuzzer, a libFuzzer target (it defines
/// LLVMFuzzerTestOneInput). A run that fails (WEFT_CHECK, an exception out of
/// the body, a deadlock, the iteration limit) prints the failure, the trace,
/// the schedule shrunk, and the WEFT_REPLAY=TOKEN line; then it aborts, which
/// libFuzzer reports as a crash and saves the input. With WEFT_REPLAY set in
/// the environment the target ignores its input and replays that token.
///
/// fuzzed_strategy, fuzz_run, fuzz_body and WEFT_FUZZ_TARGET need libFuzzer's
/// <fuzzer/FuzzedDataProvider.h>, which clang++ finds by itself; with g++ add
/// clang's resource include directory (without it they are left out).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#if __has_include(<fuzzer/FuzzedDataProvider.h>)
#include <fuzzer/FuzzedDataProvider.h>
#define WEFT_SIM_HAS_FUZZED_DATA_PROVIDER 1
#endif

#include <weft/coro.hpp>

#include "weft/sim/run.hpp"
#include "weft/sim/sim_scheduler.hpp"
#include "weft/sim/strategy.hpp"
#include "weft/sim/test.hpp"

namespace weft::sim {

/// How a fuzz target runs its program.
struct fuzz_options {
  body_options body{};     ///< for WEFT_FUZZ_TARGET: livelock bound, unretrieved exceptions
  fault_options faults{};  ///< faults the input may inject (off by default)
};

/// The report of a failing fuzzed run, as text: the failure, the trace, the
/// replay command of the run's recorded schedule (`replay_command(token)`),
/// and the same for the schedule shrunk (shrink.hpp) with its race.
std::string format_finding(const program& prog, const recorded_run& run,
                           const std::function<std::string(const std::string& token)>& replay_command,
                           weft::duration tick = std::chrono::seconds(1));

/// Prints format_finding to stderr and aborts (what libFuzzer reports as a crash).
[[noreturn]] void report_finding(const program& prog, const recorded_run& run,
                                 const std::function<std::string(const std::string& token)>& replay_command,
                                 weft::duration tick = std::chrono::seconds(1));

/// The command that replays `token` on this fuzz target:
/// "WEFT_REPLAY=TOKEN BINARY -runs=1" (glibc: the binary as invoked).
std::string fuzz_replay_command(const std::string& token);

/// Replays $WEFT_REPLAY on `prog` if it is set: prints the trace, and aborts
/// if the run fails, the token is malformed or does not fit. Returns false
/// when WEFT_REPLAY is unset (fuzz as usual).
bool replay_from_environment(const program& prog, weft::duration tick = std::chrono::seconds(1));

/// The run's interleaving coverage (coverage.hpp) as libFuzzer's extra
/// counters: libFuzzer clears them before each input and keeps an input that
/// sets a counter no earlier input did, so it learns which inputs reach new
/// orderings, not only new code. A plain array where libFuzzer is absent.
inline constexpr std::size_t interleaving_counter_count = 1 << 14;
#if defined(__linux__)
__attribute__((section("__libfuzzer_extra_counters")))
#endif
inline std::uint8_t interleaving_counters[interleaving_counter_count];

/// Sets the counters of `features` (each feature already carries its count bucket).
inline void publish_features(const std::vector<std::uint64_t>& features) noexcept {
  for (std::uint64_t f : features) interleaving_counters[f % interleaving_counter_count] = 1;
}

#ifdef WEFT_SIM_HAS_FUZZED_DATA_PROVIDER
/// A strategy whose decisions are fuzzer input: each decision with n options
/// takes ConsumeIntegralInRange(0, n - 1) of `data` (one byte for n <= 256,
/// read from the end of the input as FuzzedDataProvider reads integers); once
/// the bytes run out, every decision is 0: FIFO. Offered faults (cancel,
/// jitter) are decisions like the others when fault_options enable them.
class fuzzed_strategy final : public strategy {
 public:
  explicit fuzzed_strategy(FuzzedDataProvider& data) : data_(data) {}
  std::size_t choose(const choice_point& p) override {
    if (data_.remaining_bytes() == 0) return 0;
    return data_.ConsumeIntegralInRange<std::size_t>(0, p.options - 1);
  }
  bool wants(decision_kind) const override { return true; }
  bool wants_coverage() const override { return true; }

 private:
  FuzzedDataProvider& data_;
};

/// Runs `prog` once with the decisions taken from `data` (fuzzed_strategy)
/// and publishes its interleaving coverage to libFuzzer (publish_features).
inline recorded_run fuzz_run(const program& prog, FuzzedDataProvider& data, const fault_options& faults = {}) {
  fuzzed_strategy s(data);
  recorded_run r = run_once(prog, s, faults);
  publish_features(r.features);
  return r;
}

/// The body of WEFT_FUZZ_TARGET's LLVMFuzzerTestOneInput: one run of `body`
/// with the decisions taken from `data`; a failure is reported and aborts.
inline void fuzz_body(const test_body& body, const std::uint8_t* data, std::size_t size,
                      const fuzz_options& opts = {}) {
  const program prog = body_program(body, opts.body);
  if (replay_from_environment(prog, opts.faults.tick)) return;
  FuzzedDataProvider provider(data, size);
  const recorded_run run = fuzz_run(prog, provider, opts.faults);
  if (run.result.failed) report_finding(prog, run, fuzz_replay_command, opts.faults.tick);
}

#endif

}  // namespace weft::sim

#ifdef WEFT_SIM_HAS_FUZZED_DATA_PROVIDER
/// Defines LLVMFuzzerTestOneInput for a test body: `body` names a function
/// returning weft::coro<void> (as a WEFT_EXPLORE_TEST body); an optional
/// second argument is a weft::sim::fuzz_options initialiser, e.g.
/// WEFT_FUZZ_TARGET(transfers, {.faults = {.cancel = true}}).
#define WEFT_FUZZ_TARGET(body, ...)                                                          \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {        \
    ::weft::sim::fuzz_body(&body, data, size, ::weft::sim::fuzz_options(__VA_ARGS__));        \
    return 0;                                                                                \
  }
#endif
