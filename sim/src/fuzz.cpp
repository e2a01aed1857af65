#include "weft/sim/fuzz.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "weft/sim/report_format.hpp"
#include "weft/sim/shrink.hpp"

#ifdef __GLIBC__
#include <errno.h>  // program_invocation_name
#endif

namespace weft::sim {

std::string format_finding(const program& prog, const recorded_run& run,
                           const std::function<std::string(const std::string& token)>& replay_command,
                           weft::duration tick) {
  const failure& failed = *run.result.failed;
  std::string out = "weft fuzz: the run failed: " + failed.message() + "\n  trace:\n";
  for (const auto& line : run.result.trace) out += "    " + line + "\n";
  const schedule& found = run.decisions;
  out += "  schedule: " + std::to_string(found.deviations()) + " deviation(s) from FIFO, " +
         std::to_string(found.faults()) + " fault(s)\n";
  const std::string token = encode_token(found);
  out += "  replay: " + replay_command(token) + "\n";
  // The fuzzer's schedule is as long as its input; a shrunk one names the race.
  const recorded_run small = shrink(prog, found, failed, tick);
  const std::string small_token = encode_token(small.decisions);
  if (!small.result.failed) return out;
  if (small_token == token) {
    out += "  the race:\n";
  } else {
    out += "  shrunk to " + std::to_string(small.decisions.deviations()) + " deviation(s), " +
           std::to_string(small.decisions.faults()) + " fault(s); the race:\n";
  }
  for (const auto& d : name_race(prog, small.decisions, *small.result.failed, tick))
    out += "    " + describe(d) + "\n";
  if (small_token != token) out += "  replay (shrunk): " + replay_command(small_token) + "\n";
  return out;
}

void report_finding(const program& prog, const recorded_run& run,
                    const std::function<std::string(const std::string& token)>& replay_command,
                    weft::duration tick) {
  const std::string text = format_finding(prog, run, replay_command, tick);
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

std::string fuzz_replay_command(const std::string& token) {
#ifdef __GLIBC__
  const std::string binary = program_invocation_name;
#else
  const std::string binary = "<fuzz target>";
#endif
  return "WEFT_REPLAY=" + token + " " + binary + " -runs=1";
}

bool replay_from_environment(const program& prog, weft::duration tick) {
  const char* token = std::getenv("WEFT_REPLAY");
  if (!token || !*token) return false;
  std::string error;
  const auto s = decode_token(token, error);
  if (!s) {
    std::fprintf(stderr, "weft fuzz: WEFT_REPLAY is not a schedule token: %s\n", error.c_str());
    std::abort();
  }
  std::string mismatch;
  const run_result out = replay_run(prog, *s, mismatch, nullptr, tick);
  if (!mismatch.empty()) {
    std::fprintf(stderr, "weft fuzz: WEFT_REPLAY does not fit this target: %s\n", mismatch.c_str());
    std::abort();
  }
  std::string text = std::string("replayed ") + token + ":\n";
  for (const auto& l : out.trace) text += "  " + l + "\n";
  if (!out.failed) {
    std::fprintf(stderr, "%s  (passes)\n", text.c_str());
    return true;
  }
  std::fprintf(stderr, "%s  fails: %s\n", text.c_str(), out.failed->message().c_str());
  std::abort();
}

}  // namespace weft::sim
